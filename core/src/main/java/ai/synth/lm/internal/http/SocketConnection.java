package ai.synth.lm.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One blocking HTTP/1.1 connection: a socket channel in blocking mode, its TLS session for {@code https}, and the
 * buffer its responses are read through. Used by one exchange at a time; {@link #close()} may come from any thread
 * and ends a blocked read or write. A thread interrupted while blocked here closes the channel (the channel's own
 * rule), so an interrupt ends the exchange.
 */
final class SocketConnection {

    private static final int PLAIN_BUFFER = 16 * 1024;

    final String authority;
    private final SocketChannel channel;
    /** The TLS session of an https connection, or null. */
    private final TlsSession tls;
    /** Unread response bytes, always between position and limit. */
    final ByteBuffer buffer;
    /** Set once the channel is closed, or handed back to the pool: this object no longer owns it either way. */
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BlockingHttp1 owner;
    /** Whether an exchange already used this connection, so that a failure may mean the server dropped it idle. */
    boolean reused;
    /** Bytes of the current request written to the socket (encrypted ones for TLS); 0 means none left. */
    long written;

    /**
     * A connection on {@code channel} (in blocking mode) to {@code authority}; {@code buffer} is the read buffer it
     * had when it went idle, or null for a new one. {@code owner} is told once when it closes or goes idle.
     */
    SocketConnection(String authority, SocketChannel channel, TlsSession tls, ByteBuffer buffer,
            BlockingHttp1 owner) {
        this.authority = authority;
        this.channel = channel;
        this.tls = tls;
        this.owner = owner;
        int size = tls == null ? PLAIN_BUFFER : tls.applicationBufferSize() + PLAIN_BUFFER;
        this.buffer = buffer != null && buffer.capacity() >= size ? buffer.clear().flip()
                : ByteBuffer.allocate(size).flip();
    }

    /** Runs the TLS handshake, if this is a TLS connection; the caller closes the connection if it fails. */
    void handshake() throws IOException {
        if (tls == null) {
            return;
        }
        tls.handshake();
        while (!tls.handshakeDone()) {
            flush();
            if (tls.needsInput()) {
                readNet();
            }
            tls.continueHandshake();
        }
        flush();
    }

    /**
     * Asks the proxy at the other end of this (still plain) connection for a tunnel: writes {@code connect}, a
     * {@code CONNECT} request, and reads the proxy's answer; anything but 2xx fails with
     * {@link ProxyRefusedException}. Runs before the TLS handshake, which then goes through the tunnel.
     */
    void tunnel(byte[] connect, Proxies.Route proxy, String target) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(connect);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer in = ByteBuffer.allocate(PLAIN_BUFFER).flip();
        while (!decoder.head(in)) {
            in.compact();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                throw new EOFException("the proxy " + proxy.authority() + " closed the connection instead of"
                        + " answering CONNECT " + target);
            }
        }
        if (decoder.status() / 100 != 2) {
            throw new ProxyRefusedException(proxy, target, decoder.status());
        }
        if (in.hasRemaining()) {
            throw new IOException("the proxy " + proxy.authority() + " sent bytes after its answer to CONNECT");
        }
    }

    /** Writes the whole request, counting in {@link #written} what reached the socket. */
    void write(byte[] bytes) throws IOException {
        written = 0;
        ByteBuffer plain = ByteBuffer.wrap(bytes);
        if (tls == null) {
            while (plain.hasRemaining()) {
                written += channel.write(plain);
            }
            return;
        }
        while (plain.hasRemaining()) {
            tls.wrap(plain);
            flush();
        }
    }

    private void flush() throws IOException {
        while (tls.netOut.hasRemaining()) {
            written += channel.write(tls.netOut);
        }
    }

    private int readNet() throws IOException {
        ByteBuffer in = tls.readInto();
        int n = 0;
        try {
            n = channel.read(in);
        } finally {
            tls.readDone(n); // leaves netIn readable again, whether the read worked or not
        }
        return n;
    }

    /**
     * Hands the channel to the pool as an idle connection that went idle at {@code now} and may stay so for
     * {@code maxIdleNanos}: non-blocking, so that either face can take it. This object then owns nothing (a later
     * {@link #close} does nothing). Null if the channel could not be switched, in which case it is closed.
     */
    ConnectionPool.Idle detach(long now, long maxIdleNanos) {
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            close();
            return null;
        }
        if (!closed.compareAndSet(false, true)) {
            return null; // closed from another thread meanwhile
        }
        owner.released(this, false);
        return new ConnectionPool.Idle(authority, channel, tls, buffer, now, maxIdleNanos);
    }

    /** Reads more bytes into the buffer, keeping the unread ones; false at the end of the stream. */
    boolean fill() throws IOException {
        buffer.compact();
        try {
            if (tls == null) {
                return channel.read(buffer) >= 0;
            }
            while (true) {
                int plain = tls.unwrap(buffer);
                if (plain != 0) {
                    return plain > 0;
                }
                if (readNet() < 0) {
                    return false;
                }
            }
        } finally {
            buffer.flip();
        }
    }

    /**
     * Skips what is left of the body as far as the bytes already here allow, without waiting: the buffered ones, then
     * what the socket holds now (read in non-blocking mode, decrypted for TLS), a few reads at most, so that a body
     * given up halfway is closed rather than read on. True if that completes the body. The channel stays
     * non-blocking: this is the last use of the connection by its exchange.
     */
    boolean skipRestWithoutWaiting(Http1Decoder decoder) throws IOException {
        for (int reads = 0; ; reads++) {
            long available;
            while ((available = decoder.body(buffer)) > 0) {
                buffer.position(buffer.position() + (int) available);
                decoder.consumed(available);
            }
            if (available < 0) {
                return true;
            }
            if (reads == 4) {
                return false;
            }
            if (reads == 0) {
                channel.configureBlocking(false);
            }
            if (!fillNow()) {
                return false;
            }
        }
    }

    /** Adds to the buffer what the non-blocking channel has now; false if that is nothing (or the end). */
    private boolean fillNow() throws IOException {
        buffer.compact();
        try {
            if (tls == null) {
                return channel.read(buffer) > 0;
            }
            int plain = tls.unwrap(buffer); // records read before, still encrypted
            if (plain != 0) {
                return plain > 0;
            }
            return readNet() > 0 && tls.unwrap(buffer) > 0;
        } finally {
            buffer.flip();
        }
    }

    /** Reads the head of a response; throws if the connection ends first. */
    void readHead(Http1Decoder decoder) throws IOException {
        while (!decoder.head(buffer)) {
            if (!fill()) {
                throw new EOFException("The connection closed before a response arrived");
            }
        }
    }

    /**
     * How many body bytes wait at the buffer's position, reading more when none do; -1 once the body is complete.
     * The caller takes up to that many and reports them with {@link Http1Decoder#consumed}.
     */
    long awaitBody(Http1Decoder decoder) throws IOException {
        while (true) {
            long available = decoder.body(buffer);
            if (available != 0) {
                return available;
            }
            if (!fill()) {
                if (decoder.closed()) {
                    return -1;
                }
                throw new EOFException("The connection closed before the response was complete");
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Closes the channel; a read or write blocked on it ends with an exception. Any thread; idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that was asked
            }
            owner.released(this, true);
        }
    }

    /** The rest of the response body as a stream; closing it gives the connection back to {@code pool} if it can. */
    InputStream bodyStream(Http1Decoder decoder, BlockingHttp1 pool) {
        return new InputStream() {
            private final AtomicBoolean done = new AtomicBoolean();
            /** Held by a read; a close that cannot take it comes from another thread and just ends the read. */
            private final ReentrantLock reading = new ReentrantLock();

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                reading.lock();
                try {
                    if (done.get()) {
                        throw new IOException("The response body was closed");
                    }
                    return readLocked(into, off, len);
                } finally {
                    reading.unlock();
                }
            }

            private int readLocked(byte[] into, int off, int len) throws IOException {
                long available = awaitBody(decoder);
                if (available < 0) {
                    return -1;
                }
                int n = (int) Math.min(available, len);
                buffer.get(into, off, n);
                decoder.consumed(n);
                return n;
            }

            /**
             * Gives the connection back if the body is complete once the bytes already here are skipped (a stream's
             * last chunk arrives with its final event, or just after it), else closes it. Any thread: a close from
             * another thread while a read is blocked finds the body incomplete and ends the read.
             */
            @Override
            public void close() {
                if (!done.compareAndSet(false, true)) {
                    return;
                }
                if (!reading.tryLock()) {
                    SocketConnection.this.close(); // a read is blocked on another thread: end it
                    return;
                }
                try {
                    try {
                        skipRestWithoutWaiting(decoder);
                    } catch (IOException | RuntimeException malformed) {
                        SocketConnection.this.close();
                    }
                    pool.release(SocketConnection.this, decoder);
                } finally {
                    reading.unlock();
                }
            }
        };
    }
}
