package ai.synth.lm.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A response as a transport hands it back: status, header fields, and the body in the form its {@link BodyMode}
 * asked for: read whole ({@link #bytes}), or live as a stream ({@link #stream}) or a publisher ({@link #publisher}).
 * Exactly one of the three is set. A live body holds its connection until it is read to the end or
 * {@link #discard discarded}.
 *
 * @param status the status code
 * @param headers the header fields
 * @param bytes the whole body, or null when it is live
 * @param stream the live body for a reader on its own thread, or null
 * @param publisher the live body for a subscriber, or null
 */
public record Response(int status, Headers headers, byte[] bytes, InputStream stream,
        Flow.Publisher<List<ByteBuffer>> publisher) {

    /** A response whose body was read whole. */
    public static Response whole(int status, Headers headers, byte[] bytes) {
        return new Response(status, headers, bytes, null, null);
    }

    /** A response whose body the caller reads from {@code stream}. */
    public static Response streaming(int status, Headers headers, InputStream stream) {
        return new Response(status, headers, null, stream, null);
    }

    /** A response whose body the caller subscribes to. */
    public static Response publishing(int status, Headers headers, Flow.Publisher<List<ByteBuffer>> publisher) {
        return new Response(status, headers, null, null, publisher);
    }

    /** Whether the body is live (a stream or a publisher) rather than read whole. */
    public boolean live() {
        return bytes == null;
    }

    /** Releases a live body nobody will read: its connection is closed (or pooled, if the body was complete). */
    public void discard() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing releases the connection; nothing else to do
            }
        } else if (publisher != null) {
            publisher.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.cancel();
                }

                @Override
                public void onNext(List<ByteBuffer> item) {}

                @Override
                public void onError(Throwable throwable) {}

                @Override
                public void onComplete() {}
            });
        }
    }

    /** Status, header names and body size; never a header value. */
    @Override
    public String toString() {
        return "Response[" + status + " " + headers + (bytes != null ? " " + bytes.length + " bytes" : " live") + "]";
    }
}
