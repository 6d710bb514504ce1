package ai.synth.lm.internal.http;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How the engine moves one HTTP exchange, in the project's own terms: a {@link Request} (method, URI, headers,
 * bytes) in, a {@link Response} (status, headers, and a body read whole or handed over live as its
 * {@link BodyMode} asks) out, and a way to end the exchange early. The retries, deadlines and codecs above do not
 * care what is below: {@link Http1Transport}, the library's own HTTP/1.1 (over TLS for {@code https}), or
 * {@link JdkTransport}, the JDK's client (HTTP/2), on request. A whole body larger than the provider's size limit
 * fails with {@link LimitedBody.TooLarge}.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends on the caller's thread and returns once the body is read whole (or, for a live body, once the headers
     * are in). {@code onAbort} receives an action that ends the exchange from another thread, as soon as the
     * transport has one; until then the caller's thread is interrupted instead.
     */
    Response send(Request request, BodyMode mode, Consumer<Runnable> onAbort) throws IOException, InterruptedException;

    /**
     * Sends without blocking. The future completes when the body is read whole (or the headers of a live body are
     * in), never on a thread the transport needs for I/O; cancelling it ends the exchange.
     */
    CompletableFuture<Response> sendAsync(Request request, BodyMode mode);

    /**
     * Whether cancelling a future from {@link #sendAsync} closes the exchange's connection at once, so that a caller
     * who gives up may cancel the attempt in flight. Without it, the response is left to arrive and is discarded.
     */
    default boolean cancelClosesConnection() {
        return true;
    }

    /** Releases connections and threads. Calls in flight fail. Idempotent. */
    @Override
    void close();
}
