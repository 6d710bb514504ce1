package ai.synth.lm.internal.route;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.RateLimitException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One routed call: the retry loop across the deployments of a model group, then across its fallback groups.
 * Steps run one after another (each on the thread that completed the step before), never two at once.
 *
 * @param <T> what a successful attempt yields
 */
public final class RouteCall<T> {

    private static final Logger log = LoggerFactory.getLogger("ai.synth.lm.Router");

    private final RouterCore core;
    private final ChatCompletionRequest request;
    private final Attempt<T> attempt;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Instant deadline;
    private final Map<String, Instant> avoid = new ConcurrentHashMap<>();
    private final List<RouteFailures.Tried> tried = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> visited = Collections.synchronizedSet(new HashSet<>());
    private volatile Deque<String> fallbackQueue;
    private volatile CompletableFuture<?> current;

    private RouteCall(RouterCore core, ChatCompletionRequest request, Attempt<T> attempt) {
        this.core = core;
        this.request = request;
        this.attempt = attempt;
        this.deadline = core.clock().instant().plus(core.settings().deadline());
    }

    /** Starts a routed call of {@code request.model()}, a known group; the future is its outcome. */
    public static <T> CompletableFuture<T> run(RouterCore core, ChatCompletionRequest request, Attempt<T> attempt) {
        RouteCall<T> call = new RouteCall<>(core, request, attempt);
        call.result.whenComplete((v, e) -> {
            CompletableFuture<?> step = call.current;
            if (call.result.isCancelled() && step != null) {
                step.cancel(true);
            }
        });
        call.visited.add(request.model());
        call.pick(request.model(), 0);
        return call.result;
    }

    /** Picks and launches, or waits and picks again; a wait that is already over loops here instead of recursing. */
    private void pick(String group, int retry) {
        while (!result.isDone()) {
            Instant now = core.clock().instant();
            RouterCore.Choice choice;
            try {
                choice = core.choose(group, now, avoid, request);
            } catch (RuntimeException e) { // a shared state that refuses to decide (e.g. fail-closed without Redis)
                result.completeExceptionally(e);
                return;
            }
            if (choice.lease() != null) {
                launch(group, retry, choice.lease());
                return;
            }
            if ((choice.why().equals(RouterCore.COOLING) && fallbackLeft()) || choice.retryAt().isAfter(deadline)) {
                noneAvailable(group, choice, now);   // a fallback now beats waiting out a cooldown
                return;
            }
            Duration wait = Duration.between(now, choice.retryAt());
            log.debug("Model group {}: every deployment is {}; waiting {} ms", group, choice.why(), wait.toMillis());
            core.events().limiterWait(group, wait, choice.why());
            CompletableFuture<Void> delay = core.scheduler().delay(wait);
            current = delay;
            if (!delay.isDone()) {
                delay.whenComplete((v, e) -> {
                    if (e == null) {
                        pick(group, retry);
                    } else {
                        result.completeExceptionally(unwrap(e));
                    }
                });
                return;
            }
            if (delay.isCompletedExceptionally()) {
                delay.exceptionally(e -> {
                    result.completeExceptionally(unwrap(e));
                    return null;
                });
                return;
            }
        }
    }

    private void launch(String group, int retry, Lease lease) {
        Member m = lease.member();
        CompletableFuture<T> step;
        try {
            step = attempt.start(lease, request.withModel(m.deployment().model()));
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        current = step;
        step.whenComplete((value, error) -> {
            if (error == null) {
                if (!result.complete(value)) {
                    attempt.discard(value);
                }
            } else {
                failed(group, retry, lease, unwrap(error));
            }
        });
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
        tried.add(new RouteFailures.Tried(m, e));
        switch (kind) {
            case FATAL -> finish(e);
            case CONTEXT_WINDOW, CONTENT_POLICY -> fallback(kind, e);
            default -> {
                if (retry < core.settings().numRetries() && now.isBefore(deadline)) {
                    Duration wait = retryWait(retry + 1, e);
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
        return left.stream().anyMatch(g -> !visited.contains(g));
    }

    private void noneAvailable(String group, RouterCore.Choice choice, Instant now) {
        boolean unknown = choice.retryAt().equals(Instant.MAX);
        Duration back = unknown ? null : Duration.between(now, choice.retryAt());
        RateLimitException e = new RateLimitException("Every deployment of model group '" + group + "' is "
                + choice.why() + (unknown ? "" : "; the first is free again in " + back.toMillis() + " ms")
                + (choice.retryAt().isAfter(deadline) ? ", after the call's deadline of "
                        + core.settings().deadline().toMillis() + " ms" : "")
                + ". Come back later, add deployments, or raise the router's deadline.", "router", null, null,
                tried.size(), null, back);
        fallback(FailureKind.COOLING, e);
    }

    private void finish(Throwable e) {
        result.completeExceptionally(RouteFailures.compose(request.model(), List.copyOf(tried), e));
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
