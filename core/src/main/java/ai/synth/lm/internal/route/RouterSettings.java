package ai.synth.lm.internal.route;

import ai.synth.lm.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The router-wide settings, checked by the public builder.
 *
 * @param strategy how a deployment is picked
 * @param numRetries retries within a model group after the first attempt
 * @param allowedFails failures within a minute a deployment may have before it cools down, or null for LiteLLM's
 *        default rule ({@link CooldownRule})
 * @param cooldownTime how long a deployment cools down when its failure gave no {@code Retry-After}
 * @param timeout the per-attempt timeout of deployments that set none
 * @param deadline the longest a whole call may take, waits and retries included
 * @param initialBackoff the wait before retrying a deployment that just failed, doubling per retry
 * @param maxBackoff the longest such wait
 * @param fallbacks model group to the groups tried, in order, once its retries are spent
 * @param contextWindowFallbacks likewise, for a prompt too long for the model
 * @param contentPolicyFallbacks likewise, for a content-policy refusal
 */
public record RouterSettings(RoutingStrategy strategy, int numRetries, Integer allowedFails, Duration cooldownTime,
        Duration timeout, Duration deadline, Duration initialBackoff, Duration maxBackoff, Map<String, List<String>> fallbacks,
        Map<String, List<String>> contextWindowFallbacks, Map<String, List<String>> contentPolicyFallbacks) {

    /** Copies the maps. */
    public RouterSettings {
        fallbacks = Map.copyOf(fallbacks);
        contextWindowFallbacks = Map.copyOf(contextWindowFallbacks);
        contentPolicyFallbacks = Map.copyOf(contentPolicyFallbacks);
    }

    /** The backoff before retry number {@code retry} (1 for the first), without jitter. */
    Duration backoff(int retry) {
        long ms = initialBackoff.toMillis() << Math.min(Math.max(retry - 1, 0), 20);
        return ms > maxBackoff.toMillis() || ms < 0 ? maxBackoff : Duration.ofMillis(ms);
    }
}
