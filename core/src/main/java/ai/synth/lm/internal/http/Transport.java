package ai.synth.lm.internal.http;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How the engine moves one HTTP exchange: the two calls of the JDK's {@link java.net.http.HttpClient}, so that the
 * retries, deadlines and body handlers above it do not care which implementation is below. {@link JdkTransport}
 * wraps the JDK client (HTTPS, HTTP/2); {@link Http1Transport} speaks HTTP/1.1 on plain sockets, which costs less
 * per call and, for the asynchronous face, needs no thread per call on any JDK.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends on the caller's thread and returns once {@code handler}'s body is complete (or, for a body read as a
     * stream, once the headers are in). {@code onAbort} receives an action that ends the exchange from another
     * thread, if the transport has one; without one the caller is interrupted.
     */
    <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler, Consumer<Runnable> onAbort)
            throws IOException, InterruptedException;

    /**
     * Sends without blocking. The future completes when {@code handler}'s body does, never on a thread the
     * transport needs for I/O; cancelling it ends the exchange.
     */
    <B> CompletableFuture<HttpResponse<B>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<B> handler);

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
