package ai.synth.lm.internal.route;

import java.util.concurrent.CompletableFuture;

/**
 * The future of an asynchronous routed call, as its caller holds it: cancelling it cancels the step in progress (the
 * deployment's request, or the wait before the next pick). A subclass rather than a callback on the future, which
 * would cost a completion stage on every call for the few that are cancelled. Its dependent stages are plain
 * {@link CompletableFuture}s.
 *
 * @param <T> what the call yields
 */
final class RouteOutcome<T> extends CompletableFuture<T> {

    private final RouteCall<T> call;

    RouteOutcome(RouteCall<T> call) {
        this.call = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (isCancelled()) {
            CompletableFuture<?> step = call.current;
            if (step != null) {
                step.cancel(true);
            }
            call.dropDeadlineTimer();
        }
        return cancelled;
    }
}
