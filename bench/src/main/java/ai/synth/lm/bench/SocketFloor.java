package ai.synth.lm.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Not a client: the machine's own floor for the in-flight scenario. One selector thread (the caller's) opens
 * {@code calls} fresh non-blocking connections, writes one fixed POST on each, reads each response to its end
 * (Content-Length or chunked, no JSON) and closes it. Reports what {@link InFlight#run} reports.
 */
final class SocketFloor {

    static final String LIMITS = "no client: one selector thread, one fixed POST per fresh connection, each response"
            + " read to its end, no JSON, no pool, no limits";
    /** Connections opened between two looks at the selector, so writes start while the rest are still opening. */
    private static final int OPEN_BATCH = 64;

    private final InetSocketAddress address;
    private final ByteBuffer request;
    private final int calls;
    private final Errors errors = new Errors();
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private int opened;
    private int finished;
    private long ok;
    private long openedAt;
    private long lastDone;

    private SocketFloor(InetSocketAddress address, ByteBuffer request, int calls) {
        this.address = address;
        this.request = request;
        this.calls = calls;
    }

    static Map<String, Object> run(String baseUrl, int calls, int warmupCalls, long capMs) throws IOException {
        URI uri = URI.create(baseUrl);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        byte[] body = Fixtures.requestBody(false);
        byte[] head = ("POST " + uri.getRawPath() + "/chat/completions HTTP/1.1\r\nHost: " + uri.getRawAuthority()
                + "\r\nAuthorization: Bearer bench-key\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        if (warmupCalls > 0) { // loads the classes, as the clients' warm-up does
            new SocketFloor(address, request, warmupCalls).loop(System.nanoTime() + capMs * 1_000_000);
        }
        InFlight.Watch watch = new InFlight.Watch();
        SocketFloor f = new SocketFloor(address, request, calls);
        long start = System.nanoTime();
        boolean all = f.loop(start + capMs * 1_000_000);
        return InFlight.result(watch, calls, f.opened, f.ok, f.errors, all, start, f.openedAt - start, f.lastDone,
                capMs);
    }

    /** Runs every call on the calling thread; true when all finished (well or not) before {@code deadline}. */
    private boolean loop(long deadline) throws IOException {
        try (Selector selector = Selector.open()) {
            while (finished < calls) {
                for (int i = 0; i < OPEN_BATCH && opened < calls; i++, opened++) {
                    open(selector);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (openedAt == 0 && (opened == calls || left <= 0)) { // submit_ms: until the last was opened
                    openedAt = System.nanoTime();
                }
                if (left <= 0) {
                    break;
                }
                if ((opened < calls ? selector.selectNow() : selector.select(left)) > 0) {
                    selector.selectedKeys().forEach(this::step);
                    selector.selectedKeys().clear();
                }
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        }
        return finished == calls;
    }

    private void open(Selector selector) {
        Call call = new Call(request.duplicate());
        try {
            SocketChannel ch = call.channel = SocketChannel.open();
            SelectionKey key = ch.configureBlocking(false).register(selector, SelectionKey.OP_CONNECT, call);
            if (ch.connect(address)) {
                step(key);
            }
        } catch (IOException | RuntimeException e) {
            done(call, e);
        }
    }

    /** Moves one call on as far as its channel allows: connect, write the request, read the response. */
    private void step(SelectionKey key) {
        Call call = (Call) key.attachment();
        try {
            if (call.channel.isConnectionPending() && !call.channel.finishConnect()) {
                return;
            }
            if (call.out.hasRemaining()) {
                call.channel.write(call.out);
                key.interestOps(call.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                return;
            }
            int n;
            while ((n = call.channel.read(in.clear())) > 0) {
                call.feed(in.flip());
            }
            if (call.state == Call.DONE) {
                done(call, call.status == 200 ? null : new IOException("HTTP " + call.status));
            } else if (n < 0) {
                done(call, new IOException("connection closed before the end of the response"));
            }
        } catch (IOException | RuntimeException e) {
            done(call, e);
        }
    }

    private void done(Call call, Throwable failure) {
        try {
            if (call.channel != null) {
                call.channel.close();
            }
        } catch (IOException e) {
            // the call's outcome is already known
        }
        if (failure == null) {
            ok++;
        } else {
            errors.add(failure);
        }
        lastDone = System.nanoTime();
        finished++;
    }

    /** One call: its request still to write, and its response read byte by byte (status, headers, framed body). */
    static final class Call {
        static final int STATUS = 0, HEADERS = 1, BODY = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4, CHUNK_END = 5,
                TRAILERS = 6, DONE = 7;

        final ByteBuffer out;
        final StringBuilder line = new StringBuilder();
        SocketChannel channel;
        int state = STATUS;
        int status;
        long length = -1; // Content-Length, then the bytes left of the body or of the current chunk
        boolean chunked;

        Call(ByteBuffer out) {
            this.out = out;
        }

        /** Consumes {@code buf}; throws on anything that is not one well-framed response. */
        void feed(ByteBuffer buf) {
            while (buf.hasRemaining() && state != DONE) {
                if (state == BODY || state == CHUNK_DATA) {
                    int skip = (int) Math.min(length, buf.remaining());
                    buf.position(buf.position() + skip);
                    length -= skip;
                    state = length > 0 ? state : state == BODY ? DONE : CHUNK_END;
                } else if (line.length() > 8192) {
                    throw new IllegalStateException("a response line over 8 KiB");
                } else if (line.append((char) (buf.get() & 0xff)).charAt(line.length() - 1) == '\n') {
                    int end = line.length() > 1 && line.charAt(line.length() - 2) == '\r' ? 2 : 1;
                    String text = line.substring(0, line.length() - end);
                    line.setLength(0);
                    onLine(text);
                }
            }
            if (buf.hasRemaining()) {
                throw new IllegalStateException("bytes after the end of the response");
            }
        }

        private void onLine(String text) {
            int colon = text.indexOf(':');
            if (state == STATUS) {
                if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                    throw new IllegalStateException("bad status line: " + text);
                }
                status = Integer.parseInt(text.substring(9, 12));
                state = HEADERS;
            } else if (state == HEADERS && !text.isEmpty()) {
                if (colon <= 0) {
                    throw new IllegalStateException("bad header line: " + text);
                }
                String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = text.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding")) {
                    chunked = value.endsWith("chunked");
                }
            } else if (state == HEADERS) { // the blank line ending the headers
                if (!chunked && length < 0) {
                    throw new IllegalStateException("a response with neither Content-Length nor chunked");
                }
                state = chunked ? CHUNK_SIZE : length == 0 ? DONE : BODY;
            } else if (state == CHUNK_SIZE) {
                int semicolon = text.indexOf(';');
                length = Long.parseLong((semicolon < 0 ? text : text.substring(0, semicolon)).strip(), 16);
                if (length < 0) {
                    throw new IllegalStateException("bad chunk size: " + text);
                }
                state = length == 0 ? TRAILERS : CHUNK_DATA;
            } else if (state == CHUNK_END) {
                if (!text.isEmpty()) {
                    throw new IllegalStateException("no CRLF after a chunk");
                }
                state = CHUNK_SIZE;
            } else if (state == TRAILERS && text.isEmpty()) {
                state = DONE;
            }
        }
    }
}
