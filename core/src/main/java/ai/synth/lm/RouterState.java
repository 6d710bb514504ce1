package ai.synth.lm;

import ai.synth.lm.internal.route.InMemoryRouterState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a {@link Router} remembers about its deployments: calls in flight, cooldowns, recent failures,
 * requests and tokens of the last minute, and latencies. Keyed by {@link Deployment#id()}.
 *
 * <p>The default, {@link #inMemory()}, lives in one JVM. Two routers share state only when given the same
 * instance; an implementation backed by a shared store lets routers in several JVMs share it. Each method must be
 * atomic on its own and thread-safe; times come from the router's clock, so implementations need none.
 *
 * <p>The same state can hold which models are warm, for a {@link SynthProvider} given it through
 * {@code SynthConfig.builder().sharedState(state)}: warm marks and the one warmup lease per model. The default
 * methods keep no warm state, so an implementation without them warms every model as if alone.
 */
public interface RouterState {

    /** A new, empty in-memory state. */
    static RouterState inMemory() {
        return new InMemoryRouterState();
    }

    /**
     * Counts one more call in flight unless {@code max} are already (0: no limit).
     *
     * @return whether the call was counted; every {@code true} is followed by exactly one {@link #release}
     */
    boolean tryAcquire(String deploymentId, int max);

    /** Counts one call in flight fewer; the count never goes below 0. */
    void release(String deploymentId);

    /** The calls in flight now. */
    int inFlight(String deploymentId);

    /**
     * Cools the deployment down until {@code until}, or keeps its current deadline when that is later: a deadline
     * only ever moves later.
     */
    void coolDown(String deploymentId, Instant until);

    /** When the deployment's cooldown ends, if it is cooling at {@code now}. */
    Optional<Instant> cooldownEnd(String deploymentId, Instant now);

    /**
     * Records a failure at {@code now} and returns the failures within the last {@code window}, this one included.
     */
    int recordFailure(String deploymentId, Instant now, Duration window);

    /** Forgets the deployment's recent failures (after it was cooled down). */
    void clearFailures(String deploymentId);

    /**
     * Reserves one request and {@code tokens} tokens of the deployment's budget over the minute before {@code now},
     * as one step: both fit within {@code rpm} and {@code tpm} (0: no limit), or nothing is reserved.
     *
     * @param ticket a unique name for this reservation, for {@link #settle}
     * @return empty when reserved, else the earliest instant at which it might fit
     */
    Optional<Instant> tryReserve(String deploymentId, String ticket, Instant now, int rpm, long tpm, long tokens);

    /** Replaces a reservation's estimated tokens by the tokens the call really used. */
    void settle(String deploymentId, String ticket, long tokens);

    /** The tokens reserved or used in the minute before {@code now}. */
    long tokensLastMinute(String deploymentId, Instant now);

    /** Records the latency of a successful call (time to first chunk for streams). */
    void recordLatency(String deploymentId, Duration latency);

    /** The mean of the last 10 recorded latencies, if any. */
    Optional<Duration> latency(String deploymentId);

    /**
     * Until when a model is remembered as warm, if it still is at {@code now}.
     *
     * @param key names the backend and model
     */
    default Optional<Instant> warmUntil(String key, Instant now) {
        return Optional.empty();
    }

    /** Remembers a model as warm until {@code until} (a later mark replaces an earlier one). */
    default void markWarm(String key, Instant until) {
    }

    /**
     * Takes the one warmup lease of a model for {@code holder}, or extends it when {@code holder} has it already;
     * a lease not extended ends by itself after {@code ttl}, so a holder that died blocks nobody for longer.
     *
     * @return whether {@code holder} now holds the lease (and so sends the start request)
     */
    default boolean tryWarmupLease(String key, String holder, Duration ttl) {
        return true;
    }

    /** Gives the warmup lease back if {@code holder} has it. */
    default void endWarmupLease(String key, String holder) {
    }
}
