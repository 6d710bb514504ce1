package ai.synth.lm.internal.route;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.RateLimitException;
import ai.synth.lm.internal.Futures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One routed call: the retry loop across the deployments of a model group, then across its fallback groups.
 * Steps run one after another (each on the thread that completed the step before), never two at once, so the
 * call's records need no locks: each step's completion publishes them to the next.
 *
 * <p>A blocking call ({@link #call}) runs every step on the caller's thread: its attempts use the deployments'
 * synchronous faces and its waits block the caller, so no thread hand-off sits between the caller and the socket.
 *
 * @param <T> what a successful attempt yields
 */
public final class RouteCall<T> {

    private static final Logger log = LoggerFactory.getLogger("ai.synth.lm.Router");

    private final RouterCore core;
    private final ChatCompletionRequest request;
    private final Attempt<T> attempt;
    private final boolean blocking;
    private final CompletableFuture<T> result;
    private final Instant deadline;
    /** Deployments this call keeps away from until the given instant; made at the first retry. */
    private Map<String, Instant> avoid;
    /** Every failed attempt; made at the first failure. */
    private List<RouteFailures.Tried> tried;
    /** The groups this call has been routed to; made at the first fallback. */
    private Set<String> visited;
    private Deque<String> fallbackQueue;
    /** The step in progress: an attempt's future, or a wait before the next pick. */
    volatile CompletableFuture<?> current;
    /**
     * Completes at the deadline; made when the call first waits for a parallel-request slot, and cancelled when the
     * call ends, so that its timer does not outlive the call.
     */
    private volatile CompletableFuture<Void> deadlineTimer;

    private RouteCall(RouterCore core, ChatCompletionRequest request, Attempt<T> attempt, boolean blocking) {
        this.core = core;
        this.request = request;
        this.attempt = attempt;
        this.blocking = blocking;
        this.result = blocking ? new CompletableFuture<>() : new RouteOutcome<>(this);
        this.deadline = core.clock().instant().plus(core.settings().deadline());
    }

    /** Starts a routed call of {@code request.model()}, a known group; the future is its outcome. */
    public static <T> CompletableFuture<T> run(RouterCore core, ChatCompletionRequest request, Attempt<T> attempt) {
        RouteCall<T> call = new RouteCall<>(core, request, attempt, false);
        call.pick(request.model(), 0);
        return call.result;
    }

    /**
     * Makes a routed call on the caller's thread: {@code attempt} should do its work before returning (a completed
     * future), and waits for capacity or a cooldown block this thread.
     */
    public static <T> T call(RouterCore core, ChatCompletionRequest request, Attempt<T> attempt) {
        RouteCall<T> call = new RouteCall<>(core, request, attempt, true);
        try {
            call.pick(request.model(), 0);
        } finally {
            call.dropDeadlineTimer();
        }
        return Futures.await(call.result);
    }

    /** Cancels the timer to the deadline, if one was made: the call no longer waits for it. */
    void dropDeadlineTimer() {
        CompletableFuture<Void> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Picks and launches, or waits and picks again; a wait that is already over loops here instead of recursing. */
    private void pick(String group, int retry) {
        while (!result.isDone()) {
            Instant now = core.clock().instant();
            RouterCore.Choice choice;
            try {
                choice = core.choose(group, now, avoid == null ? Map.of() : avoid, request);
            } catch (RuntimeException e) { // a shared state that refuses to decide (e.g. fail-closed without Redis)
                result.completeExceptionally(e);
                return;
            }
            if (choice.lease() != null) {
                launch(group, retry, choice.lease());
                return;
            }
            boolean slots = choice.full() != null;
            if ((choice.why().equals(RouterCore.COOLING) && fallbackLeft())
                    || (slots ? !now.isBefore(deadline) : choice.retryAt().isAfter(deadline))) {
                noneAvailable(group, choice, now);   // a fallback now beats waiting out a cooldown
                return;
            }
            CompletableFuture<?> delay = waitFor(group, choice, now);
            current = delay;
            if (blocking) {
                if (!block(delay)) {
                    return;
                }
                continue;
            }
            if (!delay.isDone()) {
                delay.whenComplete((v, e) -> {
                    if (e == null) {
                        pick(group, retry);
                    } else {
                        result.completeExceptionally(Futures.unwrap(e));
                    }
                });
                return;
            }
            if (delay.isCompletedExceptionally()) {
                delay.exceptionally(e -> {
                    result.completeExceptionally(Futures.unwrap(e));
                    return null;
                });
                return;
            }
        }
    }

    /**
     * The wait before picking again: until {@code choice.retryAt()}, or, when deployments are at their
     * parallel-request limits, until one of them releases a call (no polling), bounded by the deadline.
     */
    private CompletableFuture<?> waitFor(String group, RouterCore.Choice choice, Instant now) {
        boolean slots = choice.full() != null;
        Instant until = slots && choice.retryAt().isAfter(deadline) ? deadline : choice.retryAt();
        Duration wait = Duration.between(now, until);
        log.debug("Model group {}: every deployment is {}; waiting {} ms{}", group, choice.why(), wait.toMillis(),
                slots ? " at most" : "");
        core.events().limiterWait(group, wait, choice.why());
        if (!slots) {
            return core.scheduler().delay(wait);
        }
        // A call waits for a slot once per release it loses; the timer to its deadline is made once per call (and
        // dropped when the call ends), a shorter timer once per wait (and dropped when a release wakes the call first).
        boolean shorter = until != deadline;
        CompletableFuture<?> timer = shorter ? core.scheduler().delay(wait) : deadlineTimer(now);
        CompletableFuture<Object> freed = core.slotFreed(choice.full());
        CompletableFuture<Object> woken = CompletableFuture.anyOf(timer, freed);
        woken.whenComplete((v, e) -> {
            freed.cancel(false); // a timer that won leaves no waiter behind on the deployments' slots
            if (shorter) {
                timer.cancel(false);
            }
        });
        return woken;
    }

    private CompletableFuture<Void> deadlineTimer(Instant now) {
        CompletableFuture<Void> timer = deadlineTimer;
        if (timer == null) {
            timer = core.scheduler().delay(Duration.between(now, deadline));
            deadlineTimer = timer;
            result.whenComplete((v, e) -> dropDeadlineTimer()); // at once if the call ended meanwhile
        }
        return timer;
    }

    private void launch(String group, int retry, Lease lease) {
        Member m = lease.member();
        CompletableFuture<T> step;
        try {
            step = attempt.start(lease, request.withModel(m.deployment().model()));
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        if (blocking && step.isDone() && !step.isCompletedExceptionally()) {
            ended(group, retry, lease, step.join(), null); // the usual blocking attempt: no callback to allocate
            return;
        }
        current = step;
        if (result.isCancelled()) { // cancelled while the step started: RouteOutcome.cancel saw the step before it
            step.cancel(true);
        }
        step.whenComplete((value, error) -> ended(group, retry, lease, value, error));
    }

    /** An attempt ended: its success is told to the attempt ({@link Attempt#answered}), then to the caller. */
    private void ended(String group, int retry, Lease lease, T value, Throwable error) {
        if (error == null) {
            try {
                attempt.answered(lease, value);
            } catch (RuntimeException e) { // e.g. a shared state that failed to take the release
                attempt.discard(value);
                error = e;
            }
        }
        if (error != null) {
            failed(group, retry, lease, Futures.unwrap(error));
            return;
        }
        core.succeeded(lease.member());
        if (!result.complete(value)) {
            attempt.discard(value);
        }
    }

    private void failed(String group, int retry, Lease lease, Throwable e) {
        Instant now = core.clock().instant();
        FailureKind kind = FailureKind.of(e);
        lease.settle(0); // a failed call gives its reserved tokens back
        core.failed(lease, e, kind == FailureKind.COOLING && !result.isDone(), now);
        if (result.isDone()) {
            return;
        }
        Member m = lease.member();
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        tried.add(new RouteFailures.Tried(m, e));
        switch (kind) {
            case FATAL -> finish(e);
            case CONTEXT_WINDOW, CONTENT_POLICY -> fallback(kind, e);
            default -> {
                if (retry < core.settings().numRetries() && now.isBefore(deadline)) {
                    Duration wait = retryWait(retry + 1, e);
                    if (avoid == null) {
                        avoid = new HashMap<>(4);
                    }
                    avoid.put(m.id(), now.plus(wait));
                    core.events().routerRetry(m.id(), retry + 1, wait, RouteFailures.reason(e));
                    log.debug("Retrying model group {} after {} failed: {}", group, m.id(), RouteFailures.reason(e));
                    pick(group, retry + 1);
                } else {
                    fallback(kind, e);
                }
            }
        }
    }

    /** How long this call keeps away from a deployment that just failed: its Retry-After, else backoff. */
    private Duration retryWait(int retry, Throwable e) {
        Duration asked = e instanceof ApiException api ? api.retryAfter().orElse(null) : null;
        if (asked != null) {
            return asked;
        }
        Duration backoff = core.settings().backoff(retry);
        return Duration.ofNanos((long) (backoff.toNanos() * (1 - 0.25 * core.random().nextDouble())));
    }

    private void fallback(FailureKind kind, Throwable e) {
        if (fallbackQueue == null) {
            RouterSettings s = core.settings();
            String origin = request.model();
            List<String> groups = switch (kind) {
                case CONTEXT_WINDOW -> s.contextWindowFallbacks().getOrDefault(origin,
                        s.fallbacks().getOrDefault(origin, List.of()));
                case CONTENT_POLICY -> s.contentPolicyFallbacks().getOrDefault(origin, List.of());
                default -> s.fallbacks().getOrDefault(origin, List.of());
            };
            fallbackQueue = new ArrayDeque<>(groups);
        }
        if (visited == null) {
            visited = new HashSet<>(4);
            visited.add(request.model());
        }
        String next;
        while ((next = fallbackQueue.poll()) != null) {
            if (visited.add(next)) {
                log.info("Model group {} failed ({}); falling back to {}", request.model(),
                        RouteFailures.reason(e), next);
                pick(next, 0);
                return;
            }
        }
        finish(e);
    }

    /** Whether a fallback group is left to try for a retryable failure. */
    private boolean fallbackLeft() {
        Deque<String> queue = fallbackQueue;
        java.util.Collection<String> left = queue != null ? queue
                : core.settings().fallbacks().getOrDefault(request.model(), List.of());
        for (String g : left) {
            if (!g.equals(request.model()) && (visited == null || !visited.contains(g))) {
                return true;
            }
        }
        return false;
    }

    private void noneAvailable(String group, RouterCore.Choice choice, Instant now) {
        boolean unknown = choice.retryAt().equals(Instant.MAX);
        Duration back = unknown ? null : Duration.between(now, choice.retryAt());
        RateLimitException e = new RateLimitException("Every deployment of model group '" + group + "' is "
                + choice.why() + (unknown ? "" : "; the first is free again in " + back.toMillis() + " ms")
                + (choice.retryAt().isAfter(deadline) ? ", after the call's deadline of "
                        + core.settings().deadline().toMillis() + " ms" : "")
                + ". Come back later, add deployments, or raise the router's deadline.", "router", null, null,
                tried == null ? 0 : tried.size(), null, back);
        fallback(FailureKind.COOLING, e);
    }

    private void finish(Throwable e) {
        result.completeExceptionally(RouteFailures.compose(request.model(),
                tried == null ? List.of() : List.copyOf(tried), e));
    }

    /** Blocks until a wait is over; false (the call failed) when the wait failed or the thread was interrupted. */
    private boolean block(CompletableFuture<?> delay) {
        try {
            delay.get();
            return true;
        } catch (ExecutionException | CancellationException e) {
            result.completeExceptionally(Futures.unwrap(e));
        } catch (InterruptedException e) {
            delay.cancel(true);
            Thread.currentThread().interrupt();
            result.completeExceptionally(new IllegalStateException("Interrupted while waiting for the call; it was"
                    + " cancelled", e));
        }
        return false;
    }
}
