package ai.synth.lm.testserver;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads HTTP/1.x requests from one connection: request line, headers, and a body framed by
 * {@code Content-Length} or {@code Transfer-Encoding: chunked}. Malformed input throws a 400 {@link ApiError};
 * a peer that goes away mid-request throws {@link EOFException}.
 */
final class HttpRequestParser {

    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEADERS = 200;
    static final int MAX_BODY = 32 * 1024 * 1024;

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    private final InputStream in;

    HttpRequestParser(InputStream in) {
        this.in = in;
    }

    /** Reads the request line and headers; null when the peer closed the connection between requests. */
    HttpRequest readHead() throws IOException {
        String line = readLine(true);
        for (int blank = 0; line != null && line.isEmpty() && blank < 4; blank++) {
            line = readLine(true); // RFC 9112 2.2: tolerate empty lines before a request line
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !METHOD.matcher(parts[0]).matches() || !parts[1].startsWith("/")
                || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
            throw bad("Malformed request line: " + abbreviate(line));
        }
        return HttpRequest.head(parts[0], parts[1], parts[2], readHeaders());
    }

    /** Reads the body that the head announces. */
    byte[] readBody(HttpRequest head) throws IOException {
        String transferEncoding = head.header("transfer-encoding");
        if (transferEncoding != null) {
            if (!transferEncoding.toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
                throw bad("Unsupported Transfer-Encoding: " + abbreviate(transferEncoding));
            }
            return readChunkedBody();
        }
        List<String> lengths = head.headers().getOrDefault("content-length", List.of());
        if (lengths.isEmpty()) {
            return new byte[0];
        }
        if (lengths.stream().distinct().count() > 1 || !DIGITS.matcher(lengths.get(0)).matches()) {
            throw bad("Invalid Content-Length: " + abbreviate(String.join(",", lengths)));
        }
        return readExactly(Long.parseLong(lengths.get(0)));
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int count = 0; ; count++) {
            String line = readLine(false);
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (count >= MAX_HEADERS || colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw bad("Malformed header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
    }

    private byte[] readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            long size = parseChunkSize(hex);
            if (size == 0) {
                while (!readLine(false).isEmpty()) {
                    // trailer fields are read and dropped
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw bad("Request body larger than " + MAX_BODY + " bytes");
            }
            body.writeBytes(readExactly(size));
            if (!readLine(false).isEmpty()) {
                throw bad("Malformed chunked body: missing CRLF after a chunk");
            }
        }
    }

    private static long parseChunkSize(String hex) {
        if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw bad("Malformed chunk size: " + abbreviate(hex));
        }
        return Long.parseLong(hex, 16);
    }

    private byte[] readExactly(long length) throws IOException {
        if (length > MAX_BODY) {
            throw bad("Request body larger than " + MAX_BODY + " bytes");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            throw new EOFException("peer closed the connection inside a request body");
        }
        return bytes;
    }

    /** Reads up to LF (dropping a CR before it); null at end of stream only if allowed and nothing was read. */
    private String readLine(boolean endAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (endAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("peer closed the connection inside a request head");
            }
            if (line.size() >= MAX_LINE) {
                throw bad("Request line or header longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static ApiError bad(String message) {
        return ApiError.invalid(null, message, "bad_request");
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
