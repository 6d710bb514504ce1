package ai.synth.lm.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The TLS state of one connection: the JDK's {@link SSLEngine} and the encrypted bytes on their way in and out.
 * It never touches the socket itself, so the blocking face and the selector drive it alike: they move bytes between
 * the channel and {@link #netIn}/{@link #netOut}, and ask this for the plain bytes. Hostname verification, SNI,
 * ALPN ({@code http/1.1}) and session resumption (through the context's client session cache, keyed by host and
 * port) are the engine's own. Confined to one thread at a time.
 */
final class TlsSession {

    private static final String[] ALPN = {"http/1.1"};

    private final SSLEngine engine;
    /** Encrypted bytes read from the socket and not yet decrypted; in read mode (position to limit). */
    final ByteBuffer netIn;
    /** Encrypted bytes to write to the socket; in read mode (position to limit). */
    final ByteBuffer netOut;
    private boolean closedByPeer;
    /** The session's largest decrypted record, read once the handshake settles it (the session call takes a lock). */
    private int applicationBufferSize;

    /** A client session for {@code host}:{@code port}; the handshake starts with the first {@link #wrap}. */
    TlsSession(SSLContext context, String host, int port) {
        this.engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(ALPN);
        if (!isIpLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        int packet = engine.getSession().getPacketBufferSize();
        this.applicationBufferSize = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocate(packet * 2).flip();
        this.netOut = ByteBuffer.allocate(packet * 2).flip();
    }

    /** The largest number of plain bytes one record decrypts to: a buffer given to {@link #unwrap} needs this room. */
    int applicationBufferSize() {
        return applicationBufferSize;
    }

    /** Whether the handshake still needs bytes from the server before anything can be sent or read. */
    boolean needsInput() {
        return engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
    }

    /** Whether the handshake is over (or never started). */
    boolean handshakeDone() {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /**
     * Moves the handshake on as far as it goes without more input: produces what it must send into
     * {@link #netOut} and decrypts what {@link #netIn} holds. Returns when the handshake is done or waits for
     * bytes from the server ({@link #needsInput}).
     */
    void handshake() throws IOException {
        engine.beginHandshake();
        continueHandshake();
    }

    /** As {@link #handshake}, without starting it again: after more bytes arrived in {@link #netIn}. */
    void continueHandshake() throws IOException {
        ByteBuffer none = ByteBuffer.allocate(0);
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    int pending = netOut.remaining();
                    wrap(none);
                    if (netOut.remaining() == pending) {
                        return; // netOut is full: the caller writes it out first
                    }
                }
                case NEED_TASK -> runTasks();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrapOnce(ByteBuffer.allocate(applicationBufferSize())).getStatus()
                            == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        return; // more bytes from the server first
                    }
                }
                default -> {
                    applicationBufferSize = engine.getSession().getApplicationBufferSize();
                    return;
                }
            }
        }
    }

    /** Encrypts all of {@code plain} (at most the room {@link #netOut} has, then the rest on the next call). */
    void wrap(ByteBuffer plain) throws IOException {
        netOut.compact();
        try {
            while (true) {
                SSLEngineResult result = engine.wrap(plain, netOut);
                switch (result.getStatus()) {
                    case OK -> {
                        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                        if (!plain.hasRemaining() || result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                            return;
                        }
                    }
                    case BUFFER_OVERFLOW -> {
                        return; // netOut is full: the caller writes it out and wraps the rest
                    }
                    case CLOSED -> throw new SSLException("The TLS session is closed; the server ended it");
                    default -> throw new SSLException("Unexpected TLS state while encrypting: " + result);
                }
            }
        } finally {
            netOut.flip();
        }
    }

    /**
     * Decrypts what {@link #netIn} holds into {@code plain} (in write mode, with at least
     * {@link #applicationBufferSize} bytes of room for a whole record). Returns the number of plain bytes added,
     * 0 when a whole record has not arrived yet (or the records held no application data, such as a session
     * ticket), or -1 once the server closed the session.
     */
    int unwrap(ByteBuffer plain) throws IOException {
        int before = plain.position();
        while (netIn.hasRemaining() && plain.remaining() >= applicationBufferSize()) {
            SSLEngineResult result = unwrapOnce(plain);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                break; // BUFFER_UNDERFLOW: the rest of the record is still on the wire
            }
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                continueHandshake(); // a renegotiation or key update asks for a reply
            }
        }
        int added = plain.position() - before;
        return added == 0 && closedByPeer ? -1 : added;
    }

    private SSLEngineResult unwrapOnce(ByteBuffer plain) throws IOException {
        SSLEngineResult result = engine.unwrap(netIn, plain);
        switch (result.getStatus()) {
            case CLOSED -> closedByPeer = true;
            case BUFFER_OVERFLOW -> throw new SSLException("A TLS record does not fit the read buffer");
            default -> {
                // OK or BUFFER_UNDERFLOW: the caller decides
            }
        }
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        return result;
    }

    /**
     * Whether an idle connection can still carry a request: reads what the socket holds without waiting (the
     * channel must be non-blocking) and decrypts it. Records without application data, such as the session tickets
     * a TLS 1.3 server sends after the handshake (often after the first response), are taken in stride; the server's
     * close, its close_notify, or application bytes nobody asked for mean it cannot.
     */
    boolean idleProbe(SocketChannel channel) {
        try {
            ByteBuffer in = readInto();
            int n = 0;
            try {
                n = channel.read(in);
            } finally {
                readDone(n);
            }
            if (n < 0) {
                return false;
            }
            if (!netIn.hasRemaining()) {
                return true;
            }
            ByteBuffer scratch = ByteBuffer.allocate(applicationBufferSize());
            return unwrap(scratch) == 0 && !closedByPeer;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Opens {@link #netIn} to take bytes from the socket: returns it in write mode; call {@link #readDone} after. */
    ByteBuffer readInto() {
        return netIn.compact();
    }

    /** Ends a read begun by {@link #readInto}; {@code n} is what the read returned, -1 at end of stream. */
    void readDone(int n) throws EOFException {
        netIn.flip();
        if (n < 0 && !closedByPeer && !handshakeDone()) {
            throw new EOFException("The server closed the connection during the TLS handshake");
        }
    }

    /** Runs the engine's delegated tasks (certificate checks) here: they are short, and nothing else waits on them. */
    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    private static boolean isIpLiteral(String host) {
        if (host.startsWith("[") || host.indexOf(':') >= 0) {
            return true;
        }
        try {
            return host.chars().allMatch(c -> c == '.' || Character.isDigit(c))
                    && InetAddress.getByName(host) != null;
        } catch (IOException notAnAddress) {
            return false;
        }
    }
}
