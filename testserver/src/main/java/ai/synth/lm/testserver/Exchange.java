package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response side of one request: writes a fixed-length or chunked response, or breaks the connection on
 * purpose. Headers added before the head is written go out with it. Used by one worker thread at a time.
 */
final class Exchange {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(413, "Content Too Large"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));
    private static final byte[] CRLF = {'\r', '\n'};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private boolean keepAlive;
    private boolean headSent;

    Exchange(Socket socket, InputStream in, OutputStream out, boolean keepAlive) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.keepAlive = keepAlive;
    }

    void addHeader(String name, String value) {
        headers.add(Map.entry(name, value));
    }

    /** Sends {@code Connection: close} and ends the connection after this response. */
    void closeAfterResponse() {
        keepAlive = false;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean headSent() {
        return headSent;
    }

    void respondJson(int status, JsonNode body) throws IOException {
        respond(status, "application/json", Json.bytes(body));
    }

    void respond(int status, String contentType, byte[] body) throws IOException {
        writeHead(status, contentType, "Content-Length", Integer.toString(body.length));
        out.write(body);
        out.flush();
    }

    /** Sends a head that announces {@code contentLength} bytes, then drops the connection without a body. */
    void sendHeadThenDisconnect(int status, String contentType, int contentLength) throws IOException {
        keepAlive = false;
        writeHead(status, contentType, "Content-Length", Integer.toString(contentLength));
        out.flush();
        abort();
    }

    /** Sends a head that announces {@code contentLength} bytes and only {@code part} of them. */
    void sendHeadAndPartOfBody(int status, String contentType, int contentLength, byte[] part) throws IOException {
        keepAlive = false;
        writeHead(status, contentType, "Content-Length", Integer.toString(contentLength));
        out.write(part, 0, Math.min(part.length, contentLength - 1));
        out.flush();
    }

    void startChunked(int status, String contentType) throws IOException {
        writeHead(status, contentType, "Transfer-Encoding", "chunked");
        out.flush();
    }

    void writeChunk(byte[] data) throws IOException {
        if (data.length == 0) {
            return; // an empty chunk would end the body
        }
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write(CRLF);
        out.flush();
    }

    void finishChunks() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Closes the connection at once, whatever was sent so far. */
    void abort() throws IOException {
        keepAlive = false;
        socket.close();
    }

    /** Blocks until the client closes its side or the backend closes the socket, then drops the connection. */
    void awaitClientGone() throws IOException {
        keepAlive = false;
        byte[] sink = new byte[1024];
        try {
            while (in.read(sink) >= 0) {
                // whatever the client sends now is ignored
            }
        } catch (IOException closed) {
            // the backend closed the socket, or the client reset it: either way the wait is over
        }
        abort();
    }

    private void writeHead(int status, String contentType, String framingName, String framingValue)
            throws IOException {
        if (headSent) {
            throw new IllegalStateException("response head already sent");
        }
        headSent = true;
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Status " + status)).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append(framingName).append(": ").append(framingValue).append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }
}
