package ai.synth.lm.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One blocking HTTP/1.1 connection: a socket and the buffer its responses are read through. Used by one
 * exchange at a time; {@link #close()} may come from any thread and ends a blocked read or write.
 */
final class SocketConnection {

    final String authority;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Unread response bytes, always between position and limit. */
    final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).flip();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClose;
    long idleSince;
    /** Whether an exchange already used this connection, so that a failure may mean the server dropped it idle. */
    boolean reused;

    SocketConnection(String authority, Socket socket, Runnable onClose) throws IOException {
        this.authority = authority;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.onClose = onClose;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Reads more bytes into the buffer, keeping the unread ones; false at the end of the stream. */
    boolean fill() throws IOException {
        buffer.compact();
        try {
            int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            if (n > 0) {
                buffer.position(buffer.position() + n);
            }
            return n >= 0;
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

    /** Closes the socket; a read or write blocked on it ends with an exception. Any thread; idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was asked
            }
            onClose.run();
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
             * Gives the connection back if the body is complete once the bytes already buffered are skipped (a
             * stream's last chunk often arrives with its final event), else closes it. Any thread: a close from
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
                        long available;
                        while ((available = decoder.body(buffer)) > 0) {
                            buffer.position(buffer.position() + (int) available);
                            decoder.consumed(available);
                        }
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
