package ai.synth.lm.internal;

import ai.synth.lm.ConnectionException;
import ai.synth.lm.internal.http.BodyMode;
import ai.synth.lm.internal.http.Request;
import ai.synth.lm.internal.http.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical call: its attempts, until a result or a final failure. Each retry is scheduled on the engine's
 * {@link HttpEngine#delay(Duration) delay}, never slept, and ends at once when the engine closes.
 */
final class RetryingCall<T> {

    private static final Logger log = LoggerFactory.getLogger(HttpEngine.class);

    private final HttpEngine engine;
    private final Request request;
    private final BodyMode mode;
    private final HttpEngine.SuccessHandler<T> onSuccess;
    private final CompletableFuture<T> result;
    private final boolean blocking;
    private final CallEvents events;

    RetryingCall(HttpEngine engine, Request request, BodyMode mode, HttpEngine.SuccessHandler<T> onSuccess,
            CompletableFuture<T> result, CallEvents events) {
        this(engine, request, mode, onSuccess, result, false, events);
    }

    private RetryingCall(HttpEngine engine, Request request, BodyMode mode, HttpEngine.SuccessHandler<T> onSuccess,
            CompletableFuture<T> result, boolean blocking, CallEvents events) {
        this.events = events;
        this.engine = engine;
        this.request = request;
        this.mode = mode;
        this.onSuccess = onSuccess;
        this.result = result;
        this.blocking = blocking;
    }


    /**
     * Runs a whole call on the caller's thread: each attempt with {@link HttpEngine#sendBlocking}, each wait
     * between attempts blocking. The returned future is complete when this returns.
     */
    static <T> CompletableFuture<T> blocking(HttpEngine engine, Request request, BodyMode mode,
            HttpEngine.SuccessHandler<T> onSuccess, CallEvents events) {
        RetryingCall<T> call = new RetryingCall<>(engine, request, mode, onSuccess, new CompletableFuture<>(), true,
                events);
        call.attempt(1);
        return call.result;
    }

    void attempt(int attempt) {
        if (engine.isClosed()) {
            result.completeExceptionally(engine.closedInFlight(attempt - 1));
            return;
        }
        if (result.isDone()) {
            return; // cancelled by the caller
        }
        long started = System.nanoTime();
        CompletableFuture<Response> sent = send();
        if (!blocking && engine.cancelClosesConnection()) {
            // A caller who cancels (or completes) the call's future ends the exchange in flight too: the server then
            // sees the connection close instead of generating an answer nobody reads.
            result.whenComplete((value, error) -> {
                if (!sent.isDone()) {
                    sent.cancel(true);
                }
            });
        }
        sent.whenComplete((response, error) -> {
            if (log.isDebugEnabled()) {
                log.debug("{} {} {} -> {} in {} ms (attempt {})", engine.settings().provider(), request.method(),
                        request.uri().getPath(),
                        error != null ? Futures.unwrap(error).toString() : response.status(),
                        (System.nanoTime() - started) / 1_000_000, attempt);
            }
            events.attempt(attempt, error == null ? response.status() : 0, started,
                    error == null ? null : Futures.unwrap(error));
            if (error != null) {
                onFailure(attempt, Futures.unwrap(error));
            } else if (response.status() / 100 == 2) {
                try {
                    if (!result.complete(onSuccess.handle(response, attempt))) {
                        response.discard(); // the caller gave up meanwhile
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            } else if (RetryPolicy.isRetryable(response.status(), response.headers())
                    && attempt <= engine.retries.maxRetries()) {
                retryLater(attempt, engine.retries.delay(attempt, response.headers()), "HTTP " + response.status());
            } else {
                result.completeExceptionally(engine.failures.status(response, response.bytes(), attempt));
            }
        });
    }

    private CompletableFuture<Response> send() {
        return blocking ? engine.sendBlocking(request, engine.settings().timeout(), mode)
                : engine.sendOnce(request, mode, engine.settings().timeout());
    }

    private void onFailure(int attempt, Throwable cause) {
        if (Failures.isRetryable(cause) && attempt <= engine.retries.maxRetries() && !engine.isClosed()) {
            retryLater(attempt, engine.retries.delay(attempt, null), cause.toString());
        } else {
            result.completeExceptionally(engine.isClosed() ? engine.closedInFlight(attempt) : engine.failures.noResponse(cause, attempt));
        }
    }

    private void retryLater(int attempt, Duration delay, String reason) {
        log.debug("Retrying {} request to {} in {} ms after {} (retry {} of {})", engine.settings().provider(),
                request.uri().getPath(), delay.toMillis(), reason, attempt, engine.retries.maxRetries());
        events.retry(attempt, delay, reason);
        CompletableFuture<Void> wait = engine.delay(delay);
        if (blocking) {
            try {
                wait.get(); // the caller's own thread waits; nothing else is held
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(new ConnectionException("Interrupted while waiting to retry "
                        + engine.settings().provider() + "; the call was abandoned", e, engine.settings().provider(),
                        attempt));
                return;
            } catch (ExecutionException e) {
                result.completeExceptionally(e.getCause());
                return;
            }
            attempt(attempt + 1); // fails at once if the engine closed meanwhile
            return;
        }
        wait.whenComplete((ignored, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                attempt(attempt + 1); // fails at once if the engine closed meanwhile
            }
        });
    }
}
