package ai.synth.lm.internal.http;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;

/**
 * The body of a streaming request: live for a 2xx event stream, read whole for anything else (an error body, or
 * a backend that answered JSON instead of streaming).
 *
 * @param live the unread event stream, for the asynchronous face; or null
 * @param input the unread event stream, for the synchronous face; or null
 * @param bytes the whole body, or null
 */
public record StreamBody(Flow.Publisher<List<ByteBuffer>> live, InputStream input, byte[] bytes) {

    /** Reads 2xx event streams live and every other body whole, up to {@code limit} bytes. */
    public static HttpResponse.BodyHandler<StreamBody> handler(long limit) {
        HttpResponse.BodyHandler<byte[]> whole = LimitedBody.handler(limit);
        return info -> {
            String type = info.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
            if (info.statusCode() / 100 == 2 && !type.startsWith("application/json")) {
                return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofPublisher(),
                        p -> new StreamBody(p, null, null));
            }
            return HttpResponse.BodySubscribers.mapping(whole.apply(info), b -> new StreamBody(null, null, b));
        };
    }

    /** Reads 2xx event streams as an {@link InputStream} and every other body whole, up to {@code limit} bytes. */
    public static HttpResponse.BodyHandler<StreamBody> blockingHandler(long limit) {
        HttpResponse.BodyHandler<byte[]> whole = LimitedBody.handler(limit);
        return info -> {
            String type = info.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
            if (info.statusCode() / 100 == 2 && !type.startsWith("application/json")) {
                return new PullBody<>(in -> new StreamBody(null, in, null));
            }
            return HttpResponse.BodySubscribers.mapping(whole.apply(info), b -> new StreamBody(null, null, b));
        };
    }
}
