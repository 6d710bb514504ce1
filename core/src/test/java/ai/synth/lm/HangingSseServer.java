package ai.synth.lm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server for one streamed request: it sends a 200 event-stream head and the given events (maybe
 * none), then sends nothing more and waits until the client closes the connection, which {@link #awaitClientGone()}
 * reports. It shows whether closing or cancelling a stream really releases the connection.
 */
final class HangingSseServer implements AutoCloseable {

    private final ServerSocket server;
    private final String events;
    private final CountDownLatch accepted = new CountDownLatch(1);
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch clientGone = new CountDownLatch(1);

    HangingSseServer(String events) throws IOException {
        this.events = events;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "hanging-sse-server");
        thread.setDaemon(true);
        thread.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Whether the request arrived within a generous time. */
    boolean awaitRequest() throws InterruptedException {
        return requested.await(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Whether a client connected within {@code seconds}. A cancel that wins the race against the connect leaves
     * nothing to connect; one that loses it must close what it opened.
     */
    boolean awaitConnection(long seconds) throws InterruptedException {
        return accepted.await(seconds, TimeUnit.SECONDS);
    }

    /** Whether the client closed the connection within a generous time. */
    boolean awaitClientGone() throws InterruptedException {
        return clientGone.await(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS);
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            accepted.countDown();
            InputStream in = socket.getInputStream();
            readRequest(in);
            requested.countDown();
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] body = events.getBytes(StandardCharsets.UTF_8);
            if (body.length > 0) { // an empty chunk would end the body: with no events, only the head is sent
                out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            while (in.read() >= 0) {
                // nothing more is sent; wait for the client to close its side
            }
            clientGone.countDown();
        } catch (IOException e) {
            clientGone.countDown(); // a reset by the client: gone too (or this server was closed: the test is over)
        }
    }

    /** Reads one request (head, then a body of its Content-Length) from {@code in}. */
    static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head cut short");
            }
            head.write(b);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
