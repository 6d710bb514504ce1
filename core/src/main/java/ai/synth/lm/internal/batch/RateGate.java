package ai.synth.lm.internal.batch;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.RouterState;
import ai.synth.lm.internal.route.RouterCore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The job's requests-per-minute and tokens-per-minute budget, kept in a {@link RouterState} exactly as the router
 * keeps a deployment's: a sliding minute, tokens reserved from an estimate before the call and replaced by the
 * usage afterwards. Waits are scheduled on the plan's scheduler, so tests move a virtual clock instead of sleeping.
 */
final class RateGate {

    private static final Duration MIN_WAIT = Duration.ofMillis(1);
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private final BatchPlan plan;
    private final String ticketPrefix;

    RateGate(BatchPlan plan, String ticketPrefix) {
        this.plan = plan;
        this.ticketPrefix = ticketPrefix;
    }

    boolean limited() {
        return plan.rpm() > 0 || plan.tpm() > 0;
    }

    /**
     * Waits until the request fits the budget and reserves it.
     *
     * @return the reservation's ticket; null when there is no limit, or when {@code stop} completed while waiting
     */
    String reserve(long line, ChatCompletionRequest request, CompletableFuture<Void> stop) {
        if (!limited()) {
            return null;
        }
        RouterState state = plan.state();
        long tokens = RouterCore.estimateTokens(request);
        String ticket = ticketPrefix + line;
        while (!stop.isDone()) {
            Instant now = plan.clock().instant();
            Optional<Instant> free = state.tryReserve(plan.limitKey(), ticket, now, plan.rpm(), plan.tpm(), tokens);
            if (free.isEmpty()) {
                return ticket;
            }
            Duration wait = free.get().isAfter(now.plus(MAX_WAIT)) ? MAX_WAIT : Duration.between(now, free.get());
            await(plan.scheduler().delay(wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait), stop);
        }
        return null;
    }

    /** Waits for the timer or {@code stop}, whichever comes first; a timer no longer waited for is cancelled. */
    private static void await(CompletableFuture<Void> timer, CompletableFuture<Void> stop) {
        try {
            CompletableFuture.anyOf(timer, stop).join();
        } finally {
            timer.cancel(false);
        }
    }

    /** Replaces the reservation's estimate by the tokens used (0 when the call failed). */
    void settle(String ticket, long tokens) {
        if (ticket != null) {
            plan.state().settle(plan.limitKey(), ticket, tokens);
        }
    }
}
