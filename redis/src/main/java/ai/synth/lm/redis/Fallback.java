package ai.synth.lm.redis;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link FailurePolicy} applied to each Redis step: a decision that Redis does not answer is made by the local
 * state (fail-open) or refused (fail-closed); bookkeeping after a call never throws.
 */
final class Fallback {

    private final RedisLink link;
    private final FailurePolicy policy;
    private final Duration timeout;

    Fallback(RedisLink link, FailurePolicy policy, Duration timeout) {
        this.link = link;
        this.policy = policy;
        this.timeout = timeout;
    }

    /**
     * A decision: Redis answers, or the policy decides.
     *
     * @throws SharedStateUnavailableException under {@link FailurePolicy#FAIL_CLOSED} when Redis did not answer
     */
    <T> T decide(String what, Function<RedisCommands<String, String>, T> redis, Supplier<T> local) {
        try {
            return link.run(what, redis);
        } catch (RedisLink.Unavailable e) {
            if (policy == FailurePolicy.FAIL_OPEN) {
                return local.get();
            }
            throw new SharedStateUnavailableException("Redis at " + link.address() + " did not " + what
                    + " within " + timeout.toMillis() + " ms, and the failure policy is FAIL_CLOSED; start Redis,"
                    + " raise the timeout, or choose FAIL_OPEN", e.getCause());
        }
    }

    /**
     * Bookkeeping: Redis takes it, or under {@link FailurePolicy#FAIL_OPEN} the local state does; never throws.
     *
     * @return what Redis answered, or what {@code local} gave (null under fail-closed)
     */
    <T> T after(String what, Function<RedisCommands<String, String>, T> redis, Supplier<T> local) {
        try {
            return link.run(what, redis);
        } catch (RedisLink.Unavailable e) {
            return policy == FailurePolicy.FAIL_OPEN ? local.get() : null;
        }
    }

    /** Bookkeeping with nothing to answer. */
    void bookkeep(String what, Function<RedisCommands<String, String>, ?> redis, Runnable local) {
        after(what, redis, () -> {
            local.run();
            return null;
        });
    }
}
