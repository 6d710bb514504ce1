package ai.synth.lm.internal.route;

import ai.synth.lm.ChatCompletionRequest;
import java.util.concurrent.CompletableFuture;

/**
 * One try on one deployment: a plain call, a stream opened, a publisher's first chunk. On success the attempt
 * owns the lease (releases it when the answer or stream ends); on failure the router releases it.
 *
 * @param <T> what a successful attempt yields
 */
public interface Attempt<T> {

    /** Starts the request (its model already set to the deployment's) on the lease's deployment. */
    CompletableFuture<T> start(Lease lease, ChatCompletionRequest request);

    /**
     * Called once the attempt succeeded, before the routed call completes with {@code result}: e.g. records its
     * latency and gives its lease back. A failure thrown here fails the attempt. By default nothing (the attempt
     * itself owns its lease from then on, as a stream does).
     */
    default void answered(Lease lease, T result) {}

    /** Disposes of a result nobody will use (the call was cancelled meanwhile); by default nothing. */
    default void discard(T result) {}
}
