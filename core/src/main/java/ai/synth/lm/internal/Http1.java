package ai.synth.lm.internal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/** What both HTTP/1.1 transports share: the request's bytes, and the response object they hand back. */
final class Http1 {

    private Http1() {}

    /** The request line, headers and body of {@code request}, ready to write in one go. */
    static byte[] encode(HttpRequest request) {
        byte[] body = body(request);
        URI uri = request.uri();
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(target(uri)).append(" HTTP/1.1\r\nHost: ")
                .append(authority(uri)).append("\r\n");
        for (Map.Entry<String, List<String>> field : request.headers().map().entrySet()) {
            for (String value : field.getValue()) {
                head.append(field.getKey()).append(": ").append(value).append("\r\n");
            }
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
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

    /** The body the request's publisher gives (a byte-array publisher gives it at once), or null if none. */
    private static byte[] body(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return request.method().equals("GET") ? null : new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(64, publisher.get().contentLength()));
        boolean[] done = new boolean[1];
        publisher.get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                out.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable throwable) {
                throw new IllegalStateException("request body failed", throwable);
            }

            @Override
            public void onComplete() {
                done[0] = true;
            }
        });
        if (!done[0]) {
            throw new IllegalStateException("request bodies must be published at once (a byte array)");
        }
        return out.toByteArray();
    }

    /** The head of a response, as body handlers see it. */
    record Info(int statusCode, HttpHeaders headers) implements HttpResponse.ResponseInfo {
        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    /** A complete (or, for a streamed body, started) response. */
    record Response<B>(HttpRequest request, int statusCode, HttpHeaders headers, B body)
            implements HttpResponse<B> {
        @Override
        public Optional<HttpResponse<B>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
