package ai.synth.lm.testserver;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed HTTP/1.x request.
 *
 * @param method the method, e.g. {@code POST}
 * @param target the request target as sent (path and query, not decoded)
 * @param path the path of the target, URL-decoded, without the query
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers lower-case names to values, in arrival order
 * @param body the body bytes, empty if none
 */
record HttpRequest(String method, String target, String path, String version,
                   Map<String, List<String>> headers, byte[] body) {

    static HttpRequest head(String method, String target, String version, Map<String, List<String>> headers) {
        int end = target.indexOf('?');
        String rawPath = end < 0 ? target : target.substring(0, end);
        return new HttpRequest(method, target, decode(rawPath), version, headers, new byte[0]);
    }

    HttpRequest withBody(byte[] bytes) {
        return new HttpRequest(method, target, path, version, headers, bytes);
    }

    String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it. */
    boolean keepAlive() {
        String connection = Objects.toString(header("connection"), "").toLowerCase(Locale.ROOT);
        if ("HTTP/1.0".equals(version)) {
            return connection.contains("keep-alive");
        }
        return !connection.contains("close");
    }

    /** Percent-decodes a path as UTF-8; unlike URLDecoder it leaves {@code +} alone, as paths need. */
    static String decode(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(rawPath.charAt(i + 2), 16);
            if (lo < 0) {
                throw ApiError.invalid(null, "Malformed percent-encoding in path: " + rawPath, "bad_request");
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
