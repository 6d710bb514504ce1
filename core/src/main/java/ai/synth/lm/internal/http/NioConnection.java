package ai.synth.lm.internal.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking socket of {@link NioHttp1}: connecting, carrying one exchange, or idle in the pool. Confined to
 * the selector thread, like everything it points to, so nothing here is synchronized.
 */
final class NioConnection {

    /** The channel; non-blocking, registered with the selector under {@link #key}. */
    final SocketChannel channel;

    /** The pool key, host and port. */
    final String authority;

    /** The registration with the selector; null until registered. */
    SelectionKey key;

    /** The exchange this connection carries now, or null when idle (or closed). */
    NioExchange exchange;

    /** Whether {@link SocketChannel#finishConnect} succeeded. */
    boolean connected;

    /** Whether this connection carried an exchange before, so it may have gone stale while pooled. */
    boolean reused;

    /** Whether {@link #close} ran. */
    boolean closed;

    /** When the connect times out, in {@link System#nanoTime} units; meaningful while connecting. */
    long connectDeadline;

    /** Bytes of the current request that reached the socket (encrypted ones for TLS); 0: it provably never left. */
    long written;

    /** The TLS session of an https connection, or null. */
    final TlsSession tls;

    /** While idle in {@link NioIdle}: since when, in {@link System#nanoTime} units, and for how long at most. */
    long idleSince;
    long maxIdleNanos;

    /** What is left to write of the current request, or null once it is all written. */
    private ByteBuffer out;

    /** While a proxy tunnel is being asked for: the CONNECT request left to write, and its answer's decoder. */
    private ByteBuffer tunnelOut;
    private Http1Decoder tunnelDecoder;
    private Proxies.Route proxy;
    private String tunnelTarget;

    /** A connection on {@code channel}, open or connecting, to {@code authority}; {@code tls} null for plain http. */
    NioConnection(SocketChannel channel, String authority, TlsSession tls) {
        this.channel = channel;
        this.authority = authority;
        this.tls = tls;
    }

    /** Whether the tunnel (if any) and the TLS handshake (if any) are done, so that the request may go out. */
    boolean ready() {
        return tunnelDecoder == null && (tls == null || tls.handshakeDone());
    }

    /** Asks for a tunnel through {@code proxy} first: {@code connect} goes out as soon as the socket connects. */
    void beginTunnel(byte[] connect, Proxies.Route proxy, String target) {
        this.tunnelOut = ByteBuffer.wrap(connect);
        this.tunnelDecoder = new Http1Decoder();
        this.proxy = proxy;
        this.tunnelTarget = target;
    }

    /** Whether the proxy's answer to CONNECT is still awaited. */
    boolean tunneling() {
        return tunnelDecoder != null;
    }

    /**
     * Takes bytes of the proxy's answer: true once a 2xx head is complete (the tunnel is open), false while more is
     * needed; fails on anything else.
     */
    boolean tunnelAnswered(ByteBuffer in, boolean closed) throws IOException {
        if (!tunnelDecoder.head(in)) {
            if (closed) {
                throw new java.io.EOFException("the proxy " + proxy.authority() + " closed the connection instead of"
                        + " answering CONNECT " + tunnelTarget);
            }
            return false;
        }
        if (tunnelDecoder.status() / 100 != 2) {
            throw new ProxyRefusedException(proxy, tunnelTarget, tunnelDecoder.status());
        }
        if (in.hasRemaining()) {
            throw new IOException("the proxy " + proxy.authority() + " sent bytes after its answer to CONNECT");
        }
        tunnelDecoder = null;
        tunnelOut = null;
        return true;
    }

    /**
     * Hands the channel over as an idle connection that went idle at {@code now} and may stay so for
     * {@code maxIdleNanos}: its key is cancelled (the next select deregisters it, after which either face may take it
     * from the pool), and this object owns nothing any more.
     */
    ConnectionPool.Idle detach(long now, long maxIdleNanos) {
        if (key != null) {
            key.cancel();
        }
        closed = true; // no longer this object's to close
        exchange = null;
        out = null;
        return new ConnectionPool.Idle(authority, channel, tls, null, now, maxIdleNanos);
    }

    /** Starts carrying {@code exchange}: its request is written as soon as the socket takes it. */
    void attach(NioExchange exchange) {
        this.exchange = exchange;
        exchange.connection = this;
        this.out = ByteBuffer.wrap(exchange.requestBytes);
        this.written = 0;
    }

    /**
     * Writes as much of the request as the socket takes now, and waits for {@link SelectionKey#OP_WRITE} if some
     * is left (a large body, or a full send buffer).
     */
    void write() throws IOException {
        if (tunnelOut != null) {
            while (tunnelOut.hasRemaining()) {
                if (channel.write(tunnelOut) == 0) {
                    interest(SelectionKey.OP_WRITE, true);
                    return;
                }
            }
            interest(SelectionKey.OP_WRITE, false);
            return;
        }
        if (tls != null) {
            writeTls();
            return;
        }
        if (out == null) {
            return;
        }
        while (out.hasRemaining()) {
            int n = channel.write(out);
            if (n == 0) {
                interest(SelectionKey.OP_WRITE, true);
                return;
            }
            written += n;
        }
        out = null;
        interest(SelectionKey.OP_WRITE, false);
    }

    /** As {@link #write}, encrypting: handshake bytes first, then the request once the handshake is done. */
    private void writeTls() throws IOException {
        while (true) {
            while (tls.netOut.hasRemaining()) {
                int n = channel.write(tls.netOut);
                if (n == 0) {
                    interest(SelectionKey.OP_WRITE, true);
                    return;
                }
                if (out != null && ready()) {
                    written += n;
                }
            }
            if (out == null || !ready()) {
                break;
            }
            if (!out.hasRemaining()) {
                out = null;
                break;
            }
            tls.wrap(out);
        }
        interest(SelectionKey.OP_WRITE, false);
    }

    /**
     * Reads encrypted bytes and decrypts what they complete into {@code plain} (cleared first): the number of plain
     * bytes, 0 when none yet (the handshake advanced, or a record is still partial), -1 when the server ended the
     * session or closed the socket. {@code plain} must have room for everything the read can bring, so that no whole
     * record is left behind while the exchange waits for demand.
     */
    int readTls(ByteBuffer plain) throws IOException {
        ByteBuffer netIn = tls.readInto();
        int n = 0;
        try {
            n = channel.read(netIn);
        } finally {
            tls.readDone(n);
        }
        if (!tls.handshakeDone()) {
            tls.continueHandshake();
            write();
            return n < 0 ? -1 : 0;
        }
        plain.clear();
        int read = tls.unwrap(plain);
        return read == 0 && n < 0 ? -1 : read;
    }

    /** Whether the whole request went out; a connection whose server answered before that is not reused. */
    boolean written() {
        return out == null;
    }

    /** Switches readiness interest {@code op} on or off; a no-op on a cancelled key. */
    void interest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            key.interestOps(next);
        }
    }

    /** Closes the channel, which also cancels its key. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        exchange = null;
        out = null;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release: the descriptor is gone either way
        }
    }

    @Override
    public String toString() {
        return "NioConnection[" + authority + (reused ? ", reused" : "") + (closed ? ", closed" : "") + "]";
    }
}
