package ai.synth.lm;

import ai.synth.lm.internal.route.InMemoryRouterState;
import ai.synth.lm.internal.route.Stepwise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>A router asks two things per attempt: {@link #acquire} before the call and {@link #finish} after it. Their
 * default implementations are made of the finer methods; a state whose every method is a round trip to a store
 * overrides the two, so that an attempt costs one round trip before the call and one after it.
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
     * One routing decision as one step: reads the cooldown of every candidate, orders the eligible ones that are not
     * cooling by {@code order}, and holds the first that has a free parallel-request slot and, when it
     * {@linkplain Candidate#reserve() reserves}, room for one request and {@code tokens} tokens of its budget.
     * The default implementation makes it of {@link #cooldownEnd}, {@link #tryAcquire}, {@link #tryReserve} and
     * {@link #release}; it is atomic per deployment, not as a whole.
     *
     * @param candidates every deployment of the model group, in the caller's order of preference
     * @param ticket a unique name for this attempt, for {@link #finish} (and {@link #settle})
     * @param tokens the token estimate to reserve
     * @param now the router's time
     */
    default Decision acquire(List<Candidate> candidates, Order order, String ticket, long tokens, Instant now) {
        return Stepwise.acquire(this, candidates, order, ticket, tokens, now);
    }

    /**
     * What one attempt held by {@link #acquire} leaves behind, as one step: its slot released, its reserved tokens
     * replaced by {@code tokens} (when not negative), and a failure that counts recorded: past
     * {@link Failure#allowedFails()} within the window, the deployment cools down for {@link Failure#cooldown()}
     * and its failures are forgotten. The default implementation makes it of {@link #release}, {@link #settle},
     * {@link #recordFailure}, {@link #coolDown} and {@link #clearFailures}.
     *
     * @param tokens the tokens the call used, or -1 to keep the estimate
     * @param failure the failure to count, or null
     * @return the failures counted (0 without one) and whether the deployment cooled down
     */
    default Finished finish(String deploymentId, String ticket, long tokens, Failure failure) {
        return Stepwise.finish(this, deploymentId, ticket, tokens, failure);
    }

    /** How {@link #acquire} orders the deployments it may hold. */
    enum Order {
        /** As given. */
        AS_GIVEN,
        /** Fewest calls in flight first; ties as given. */
        FEWEST_IN_FLIGHT,
        /** Fewest tokens in the last minute first; ties as given. */
        FEWEST_TOKENS
    }

    /**
     * A deployment {@link #acquire} may hold.
     *
     * @param deploymentId the deployment's id
     * @param eligible false when only its cooldown is wanted (the call keeps away from it for a while)
     * @param maxParallel the most calls in flight (0: no limit)
     * @param rpm requests per minute (0: no limit)
     * @param tpm tokens per minute (0: no limit)
     * @param reserve whether to reserve one request and the estimate from its budget (its usage is tracked)
     */
    record Candidate(String deploymentId, boolean eligible, int maxParallel, int rpm, long tpm, boolean reserve) {
        /** Checks the id. */
        public Candidate {
            Objects.requireNonNull(deploymentId, "deploymentId");
        }
    }

    /**
     * What {@link #acquire} decided.
     *
     * @param chosen the deployment now held, or null when none could be
     * @param cooling the candidates cooling down, with the end of their cooldowns
     * @param full whether a candidate was passed over for having no free parallel-request slot
     * @param budgetFreeAt when one passed over for its rpm/tpm budget might fit, if any was
     */
    record Decision(String chosen, Map<String, Instant> cooling, boolean full, Optional<Instant> budgetFreeAt) {
        /** Copies the map. */
        public Decision {
            cooling = Map.copyOf(cooling);
            Objects.requireNonNull(budgetFreeAt, "budgetFreeAt");
        }
    }

    /**
     * A failed attempt that counts toward cooling its deployment down.
     *
     * @param at when it failed
     * @param window how far back failures count
     * @param allowedFails the failures within the window a deployment may have without cooling down
     * @param cooldown how long it cools down once past them (zero: it does not)
     */
    record Failure(Instant at, Duration window, int allowedFails, Duration cooldown) {
        /** Checks the values. */
        public Failure {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(cooldown, "cooldown");
        }
    }

    /**
     * What {@link #finish} did.
     *
     * @param failures the failures within the window, the one given included (0 without one)
     * @param cooledDown whether the deployment cooled down because of it
     */
    record Finished(int failures, boolean cooledDown) {
        /** Nothing counted. */
        public static final Finished NONE = new Finished(0, false);
    }

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
