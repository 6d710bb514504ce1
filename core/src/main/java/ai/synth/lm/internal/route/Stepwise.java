package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import ai.synth.lm.RouterState.Candidate;
import ai.synth.lm.RouterState.Decision;
import ai.synth.lm.RouterState.Failure;
import ai.synth.lm.RouterState.Finished;
import ai.synth.lm.RouterState.Order;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link RouterState#acquire} and {@link RouterState#finish} made of the state's finer methods, one call per
 * deployment and step: right for a state in memory, where a call costs nothing.
 */
public final class Stepwise {

    private Stepwise() {}

    /** The default {@link RouterState#acquire}. */
    public static Decision acquire(RouterState state, List<Candidate> candidates, Order order, String ticket,
            long tokens, Instant now) {
        Map<String, Instant> cooling = Map.of(); // made only when one is cooling: most decisions find none
        List<Candidate> open = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            Optional<Instant> end = state.cooldownEnd(c.deploymentId(), now);
            if (end.isPresent()) {
                cooling = cooling.isEmpty() ? new LinkedHashMap<>() : cooling;
                cooling.put(c.deploymentId(), end.get());
            } else if (c.eligible()) {
                open.add(c);
            }
        }
        if (order == Order.FEWEST_IN_FLIGHT) {
            open.sort(Comparator.comparingInt(c -> state.inFlight(c.deploymentId()))); // stable: ties as given
        } else if (order == Order.FEWEST_TOKENS) {
            open.sort(Comparator.comparingLong(c -> state.tokensLastMinute(c.deploymentId(), now)));
        }
        boolean full = false;
        Instant free = null;
        for (Candidate c : open) {
            String id = c.deploymentId();
            if (!state.tryAcquire(id, c.maxParallel())) {
                full = true;
                continue;
            }
            if (c.reserve()) {
                Instant at = state.tryReserve(id, ticket, now, c.rpm(), c.tpm(), tokens).orElse(null);
                if (at != null) {
                    state.release(id);
                    free = free == null || at.isBefore(free) ? at : free;
                    continue;
                }
            }
            return new Decision(id, cooling, full, Optional.ofNullable(free));
        }
        return new Decision(null, cooling, full, Optional.ofNullable(free));
    }

    /** The default {@link RouterState#finish}. */
    public static Finished finish(RouterState state, String deploymentId, String ticket, long tokens,
            Failure failure) {
        state.release(deploymentId);
        if (tokens >= 0) {
            state.settle(deploymentId, ticket, tokens);
        }
        return failure == null ? Finished.NONE : recordFailure(state, deploymentId, failure);
    }

    /** Counts a failure; past the allowed failures, cools the deployment down and forgets its failures. */
    public static Finished recordFailure(RouterState state, String deploymentId, Failure failure) {
        int fails = state.recordFailure(deploymentId, failure.at(), failure.window());
        if (fails <= failure.allowedFails() || failure.cooldown().isZero()) {
            return new Finished(fails, false);
        }
        state.coolDown(deploymentId, failure.at().plus(failure.cooldown()));
        state.clearFailures(deploymentId);
        return new Finished(fails, true);
    }
}
