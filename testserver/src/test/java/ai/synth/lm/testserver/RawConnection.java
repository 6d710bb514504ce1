package ai.synth.lm.testserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A plain socket to the backend, for what HttpClient cannot send: malformed requests, pipelining, cut-offs. */
final class RawConnection implements AutoCloseable {

    /** A response as read off the wire; header names lower-case, last value wins. */
    record Response(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(LocalBackend backend) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), backend.port());
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads the status line and headers only, leaving the body unread. */
    Response readHead() throws IOException {
        String statusLine = line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(statusLine, headers, "");
    }

    Response read() throws IOException {
        Response head = readHead();
        String statusLine = head.statusLine();
        Map<String, String> headers = head.headers();
        if (statusLine.contains(" 100 ")) {
            return head;
        }
        String body = "chunked".equals(headers.get("transfer-encoding")) ? chunkedBody()
                : new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                        StandardCharsets.UTF_8);
        return new Response(statusLine, headers, body);
    }

    /** Reads body bytes until {@code n} arrived or the server closed the connection; a stall times out. */
    byte[] readBytes(int n, java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = bytes.size() < n ? in.read() : -1; b >= 0; b = bytes.size() < n ? in.read() : -1) {
            bytes.write(b);
        }
        return bytes.toByteArray();
    }

    /** True when the server has closed the connection (no more bytes). */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
            body.writeBytes(in.readNBytes(size));
            line();
        }
        line();
        return body.toString(StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line: " + line);
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
