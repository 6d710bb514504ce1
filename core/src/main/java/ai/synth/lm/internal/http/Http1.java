package ai.synth.lm.internal.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What both faces of the HTTP/1.1 transport share: the request's bytes, and the idle rule of keep-alive. */
final class Http1 {

    /**
     * How long a connection may stay idle before reuse when the server did not say ({@code Keep-Alive: timeout}):
     * 4 s, under the 5 s after which uvicorn, the shortest-lived of the common servers, closes idle connections.
     */
    static final long DEFAULT_MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(4);

    private Http1() {}

    /**
     * How long a connection that carried a response with {@code headers} may stay idle before reuse: the server's
     * {@code Keep-Alive: timeout=N} less a margin (a second, or half of it for short ones) so that a request does
     * not cross the server's close on the wire; {@link #DEFAULT_MAX_IDLE_NANOS} when it gives none.
     */
    static long maxIdleNanos(Headers headers) {
        Optional<String> keepAlive = headers.firstValue("Keep-Alive");
        if (keepAlive.isEmpty()) {
            return DEFAULT_MAX_IDLE_NANOS;
        }
        for (String parameter : keepAlive.get().split(",")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("timeout")) {
                try {
                    long millis = TimeUnit.SECONDS.toMillis(Long.parseLong(pair[1].strip().replace("\"", "")));
                    return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis - Math.min(1000, millis / 2)));
                } catch (NumberFormatException malformed) {
                    return DEFAULT_MAX_IDLE_NANOS;
                }
            }
        }
        return DEFAULT_MAX_IDLE_NANOS;
    }

    /**
     * The request line, headers and body of {@code request}, ready to write in one go. Through an HTTP proxy
     * ({@code viaProxy} not null, plain http) the request line holds the absolute URL and the proxy's credentials, if
     * any, go along.
     */
    static byte[] encode(Request request, Proxies.Route viaProxy) {
        byte[] body = request.body() != null || request.method().equals("GET") ? request.body() : new byte[0];
        // The head is written twice, counted and then for real, so that head and body share one exact-size array
        Ascii counted = head(request, viaProxy, body, new Ascii(null));
        Ascii out = head(request, viaProxy, body, new Ascii(new byte[counted.at + (body == null ? 0 : body.length)]));
        if (body != null) {
            System.arraycopy(body, 0, out.bytes, out.at, body.length);
        }
        return out.bytes;
    }

    private static Ascii head(Request request, Proxies.Route viaProxy, byte[] body, Ascii out) {
        URI uri = request.uri();
        String authority = authority(uri);
        out.put(request.method()).put(" ");
        if (viaProxy != null) {
            out.put("http://").put(authority);
        }
        out.put(target(uri)).put(" HTTP/1.1\r\nHost: ").put(authority).put("\r\n");
        if (viaProxy != null && viaProxy.authorization() != null) {
            out.put("Proxy-Authorization: ").put(viaProxy.authorization()).put("\r\n");
        }
        Headers headers = request.headers();
        for (int i = 0; i < headers.size(); i++) {
            out.put(headers.name(i)).put(": ").put(headers.value(i)).put("\r\n");
        }
        if (body != null) {
            out.put("Content-Length: ").put(Integer.toString(body.length)).put("\r\n");
        }
        return out.put("\r\n");
    }

    /**
     * Writes text into a byte array as ISO-8859-1 does: one byte a character, {@code ?} for one it cannot hold;
     * without an array it only counts the bytes.
     */
    private static final class Ascii {
        final byte[] bytes;
        int at;

        Ascii(byte[] bytes) {
            this.bytes = bytes;
        }

        Ascii put(String text) {
            int n = text.length();
            if (bytes != null) {
                for (int i = 0; i < n; i++) {
                    char c = text.charAt(i);
                    bytes[at + i] = c <= 0xFF ? (byte) c : (byte) '?';
                }
            }
            at += n;
            return this;
        }
    }

    /** A {@code CONNECT} request asking {@code proxy} for a tunnel to {@code host}:{@code port}. */
    static byte[] connect(String host, int port, Proxies.Route proxy) {
        String target = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        String head = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
                + (proxy.authorization() == null ? "" : "Proxy-Authorization: " + proxy.authorization() + "\r\n")
                + "\r\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The host and port a connection for {@code uri} goes to, as a pool key. */
    static String authority(URI uri) {
        int port = uri.getPort();
        return port < 0 ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static String target(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        return (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
    }
}
