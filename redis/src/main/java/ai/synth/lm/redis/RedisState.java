package ai.synth.lm.redis;

import ai.synth.lm.RouterState;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link RouterState} in Redis, shared by every JVM that points at the same Redis and key prefix: cooldowns and
 * fail counts (Redis is the authority; a deadline only moves later), calls in flight as leases that expire when a
 * JVM dies, request and token budgets as token buckets decided by one Lua script per call (tokens reserved before
 * the call, settled with its {@code usage} after it), and warm marks with one warmup lease per model. Latencies
 * stay per JVM.
 *
 * <pre>{@code
 * RedisState state = RedisState.builder().url("redis://localhost:6379").build();
 * Router router = Router.builder().config(Path.of("config.yaml")).sharedState(state).build();
 * }</pre>
 *
 * <p>A routed attempt costs one round trip before the call ({@link #acquire}: the cooldowns of the model group's
 * deployments, the order, the lease and the budget in one script) and one after it ({@link #finish}: the lease
 * released, the tokens settled, a failure counted and the cooldown set in one script). Routing keys are
 * {@code <prefix>:{<prefix>}:<deployment>:<what>} and warm keys {@code <prefix>:{warm <model>}:<what>}: the hash
 * tags put every key one script touches in one Redis Cluster slot. Every key expires. Every command waits at most
 * {@link Builder#timeout}; what happens then is the {@link FailurePolicy}. Thread-safe; {@link #close()} it when done. {@link #toString()} never shows the password.
 */
public final class RedisState implements RouterState, AutoCloseable {

    private final RedisLink link;
    private final FailurePolicy policy;
    private final String prefix;
    private final Keys keys;
    private final long leaseMillis;
    private final long burstMillis;
    private final RouterState local = RouterState.inMemory();
    private final InFlightLeases leases;
    private final Fallback fallback;
    private final Decisions decisions;
    private final String ticketTtl = String.valueOf(TICKET_TTL.toMillis());

    /** How long a token reservation waits for its settlement. */
    private static final Duration TICKET_TTL = Duration.ofHours(1);

    private RedisState(Builder b) {
        this.policy = b.policy;
        this.prefix = b.prefix;
        this.keys = new Keys(b.prefix);
        this.leaseMillis = b.leaseTime.toMillis();
        this.burstMillis = b.burst.toMillis();
        this.link = new RedisLink(b.uri, b.timeout, b.retryInterval, policy == FailurePolicy.FAIL_OPEN
                ? "each JVM uses its own state" : "routing decisions fail");
        this.fallback = new Fallback(link, policy, b.timeout);
        this.leases = new InFlightLeases(UUID.randomUUID().toString(), b.leaseTime, this::renew);
        this.decisions = new Decisions(keys, fallback, local, leases, leaseMillis, burstMillis, TICKET_TTL.toMillis());
        link.connect(Duration.ZERO); // starts connecting now, in the background
    }

    /** A builder; {@link Builder#url} is required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- a routed attempt: one script before the call, one after ----

    /** One round trip: {@link Scripts#DECIDE}. */
    @Override
    public Decision acquire(List<Candidate> candidates, Order order, String ticket, long tokens, Instant now) {
        return decisions.acquire(candidates, order, ticket, tokens, now);
    }

    /** One round trip: {@link Scripts#FINISH}. */
    @Override
    public Finished finish(String deploymentId, String ticket, long tokens, Failure failure) {
        return decisions.finish(deploymentId, ticket, tokens, failure);
    }

    // ---- calls in flight ----

    @Override
    public boolean tryAcquire(String deploymentId, int max) {
        String member = leases.next();
        Boolean ok = fallback.decide("count a call in flight", c -> RedisLink.eval(c, Scripts.ACQUIRE,
                keys.route(deploymentId, "inflight"), member, String.valueOf(max), String.valueOf(leaseMillis)) == 1,
                () -> null);
        if (ok == null) {
            if (!local.tryAcquire(deploymentId, max)) {
                return false;
            }
            leases.hold(deploymentId, InFlightLeases.LOCAL);
            return true;
        }
        if (ok) {
            leases.hold(deploymentId, member);
        }
        return ok;
    }

    @Override
    public void release(String deploymentId) {
        String member = leases.giveBack(deploymentId);
        if (InFlightLeases.LOCAL.equals(member)) {
            local.release(deploymentId);
        } else if (member != null) {
            fallback.bookkeep("release a call in flight", c -> RedisLink.eval(c, Scripts.RELEASE,
                    keys.route(deploymentId, "inflight"), member), () -> { });
        }
    }

    @Override
    public int inFlight(String deploymentId) {
        Long n = fallback.decide("count calls in flight", c -> RedisLink.eval(c, Scripts.COUNT,
                keys.route(deploymentId, "inflight")), () -> null);
        return n == null ? local.inFlight(deploymentId) : n.intValue() + local.inFlight(deploymentId);
    }

    private void renew(String deploymentId, List<String> members) {
        String[] args = new String[members.size() + 1];
        args[0] = String.valueOf(leaseMillis);
        for (int i = 0; i < members.size(); i++) {
            args[i + 1] = members.get(i);
        }
        link.run("extend leases", c -> RedisLink.eval(c, Scripts.RENEW, keys.route(deploymentId, "inflight"), args));
    }

    // ---- cooldowns and failures ----

    @Override
    public void coolDown(String deploymentId, Instant until) {
        local.coolDown(deploymentId, until); // kept too, so an outage does not forget it
        fallback.bookkeep("cool a deployment down", c -> RedisLink.eval(c, Scripts.LATER,
                keys.route(deploymentId, "cooldown"), String.valueOf(until.toEpochMilli()),
                String.valueOf(System.currentTimeMillis())), () -> { });
    }

    @Override
    public Optional<Instant> cooldownEnd(String deploymentId, Instant now) {
        return fallback.decide("read a cooldown", c -> after(RedisLink.eval(c, Scripts.DEADLINE,
                keys.route(deploymentId, "cooldown")), now), () -> local.cooldownEnd(deploymentId, now));
    }

    @Override
    public int recordFailure(String deploymentId, Instant now, Duration window) {
        String member = leases.next();
        Long n = fallback.decide("count a failure", c -> RedisLink.eval(c, Scripts.FAIL,
                keys.route(deploymentId, "fails"), String.valueOf(now.toEpochMilli()),
                String.valueOf(Math.max(1, window.toMillis())), member), () -> null);
        return n == null ? local.recordFailure(deploymentId, now, window) : n.intValue();
    }

    @Override
    public void clearFailures(String deploymentId) {
        local.clearFailures(deploymentId);
        fallback.bookkeep("clear failures", c -> RedisLink.eval(c, Scripts.DELETE, keys.route(deploymentId,
                "fails")), () -> { });
    }

    // ---- request and token budgets ----

    @Override
    public Optional<Instant> tryReserve(String deploymentId, String ticket, Instant now, int rpm, long tpm,
            long tokens) {
        Long wait = fallback.decide("reserve rpm/tpm budget", c -> RedisLink.eval(c, Scripts.RESERVE,
                keys.route(deploymentId, "bucket", "tickets"), String.valueOf(rpm), String.valueOf(tpm),
                String.valueOf(Math.max(0, tokens)), String.valueOf(burstMillis), ticket, ticketTtl), () -> null);
        if (wait == null) {
            return local.tryReserve(deploymentId, ticket, now, rpm, tpm, tokens);
        }
        return wait == 0 ? Optional.empty() : Optional.of(now.plusMillis(wait));
    }

    @Override
    public void settle(String deploymentId, String ticket, long tokens) {
        fallback.bookkeep("settle a token reservation", c -> RedisLink.eval(c, Scripts.SETTLE,
                keys.route(deploymentId, "bucket", "tickets"), ticket, String.valueOf(Math.max(0, tokens))),
                () -> { });
        local.settle(deploymentId, ticket, tokens); // a no-op unless the ticket was reserved locally
    }

    @Override
    public long tokensLastMinute(String deploymentId, Instant now) {
        Long n = fallback.decide("read token usage", c -> RedisLink.eval(c, Scripts.TOKENS,
                keys.route(deploymentId, "bucket")), () -> null);
        return n == null ? local.tokensLastMinute(deploymentId, now) : n;
    }

    /** Latencies stay in this JVM: each measures its own path to the deployment. */
    @Override
    public void recordLatency(String deploymentId, Duration latency) {
        local.recordLatency(deploymentId, latency);
    }

    @Override
    public Optional<Duration> latency(String deploymentId) {
        return local.latency(deploymentId);
    }

    // ---- warm marks and warmup leases ----

    @Override
    public Optional<Instant> warmUntil(String key, Instant now) {
        return fallback.decide("read a warm mark", c -> after(RedisLink.eval(c, Scripts.DEADLINE,
                keys.warm(key, "warm")), now), () -> local.warmUntil(key, now));
    }

    @Override
    public void markWarm(String key, Instant until) {
        local.markWarm(key, until);
        fallback.bookkeep("mark a model warm", c -> RedisLink.eval(c, Scripts.LATER, keys.warm(key, "warm"),
                String.valueOf(until.toEpochMilli()), String.valueOf(System.currentTimeMillis())), () -> { });
    }

    @Override
    public boolean tryWarmupLease(String key, String holder, Duration ttl) {
        Boolean ok = fallback.decide("take a warmup lease", c -> RedisLink.eval(c, Scripts.TAKE_LEASE,
                keys.warm(key, "warming"), holder, String.valueOf(Math.max(1, ttl.toMillis()))) == 1, () -> null);
        return ok == null ? local.tryWarmupLease(key, holder, ttl) : ok;
    }

    @Override
    public void endWarmupLease(String key, String holder) {
        local.endWarmupLease(key, holder);
        fallback.bookkeep("end a warmup lease", c -> RedisLink.eval(c, Scripts.END_LEASE, keys.warm(key, "warming"),
                holder), () -> { });
    }

    /** A deadline read from Redis (0: none) if it is after {@code now}. */
    private static Optional<Instant> after(long deadlineMillis, Instant now) {
        Instant end = Instant.ofEpochMilli(deadlineMillis);
        return deadlineMillis > 0 && end.isAfter(now) ? Optional.of(end) : Optional.empty();
    }

    /**
     * The commands this state has sent to Redis, each one round trip (a Lua script is one command): a routed
     * attempt costs one before the call and one after it; lease extensions and warmups add theirs.
     */
    public long commandsSent() {
        return link.commandsSent();
    }

    /**
     * Waits up to {@code within} for the connection to Redis, e.g. to fail fast at startup. Calls never need this:
     * until connected, they follow the failure policy.
     *
     * @return whether connected
     */
    public boolean connect(Duration within) {
        return link.connect(within);
    }

    /** Whether Redis counts as down now (its last command failed). */
    public boolean isRedisDown() {
        return link.isDown();
    }

    /** Stops extending leases and closes the connection. */
    @Override
    public void close() {
        leases.close();
        link.close();
    }

    @Override
    public String toString() {
        return "RedisState[" + link.address() + ", prefix=" + prefix + ", " + policy + "]";
    }

    /**
     * Builds a {@link RedisState}. Each setter checks its value at once. Not thread-safe.
     */
    public static final class Builder {
        private RedisURI uri;
        private String prefix = "synth-lm";
        private Duration timeout = Duration.ofMillis(250);
        private Duration leaseTime = Duration.ofSeconds(30);
        private Duration burst = Duration.ofSeconds(1);
        private Duration retryInterval = Duration.ofSeconds(1);
        private FailurePolicy policy = FailurePolicy.FAIL_OPEN;

        private Builder() {}

        /**
         * Where Redis is: {@code redis://[:password@]host[:port][/database]}, or {@code rediss://} for TLS.
         * Required.
         */
        public Builder url(String url) {
            if (url == null || !url.strip().matches("(?i)rediss?://.+")) {
                throw new IllegalArgumentException("url must be a Redis URL such as redis://localhost:6379");
            }
            try {
                this.uri = RedisURI.create(url.strip());
            } catch (RuntimeException e) { // the message could quote the URL, password and all
                throw new IllegalArgumentException("url is not a Redis URL; write redis://[:password@]host[:port]"
                        + "[/database] or rediss://... for TLS");
            }
            return this;
        }

        /** The start of every key, e.g. one per environment. Default {@code synth-lm}. No braces. */
        public Builder prefix(String prefix) {
            if (prefix == null || prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
                throw new IllegalArgumentException("prefix must be non-blank text without braces (they mark Redis"
                        + " Cluster hash tags), was " + (prefix == null ? "null" : "'" + prefix + "'"));
            }
            this.prefix = prefix;
            return this;
        }

        /** The longest wait for one Redis command before the {@link FailurePolicy} applies. Default 250 ms. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * How long a call in flight counts after its JVM stopped extending it (a JVM killed mid-call). A call
         * that runs longer than a sixth of it is extended every third of it. Default 30 seconds.
         */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = positive("leaseTime", leaseTime);
            if (leaseTime.toMillis() < 30) {
                throw new IllegalArgumentException("leaseTime must be at least 30 ms, was " + leaseTime.toMillis()
                        + " ms");
            }
            return this;
        }

        /**
         * How much of a deployment's rpm and tpm may be spent at once after a quiet time: the buckets hold this
         * long's worth of budget (at least one request). Over any minute at most {@code rpm * (1 + burst / 60 s)}
         * requests pass. Default 1 second.
         */
        public Builder burst(Duration burst) {
            this.burst = positive("burst", burst);
            return this;
        }

        /** How long Redis is left alone after a failed command before it is tried again. Default 1 second. */
        public Builder retryInterval(Duration retryInterval) {
            this.retryInterval = positive("retryInterval", retryInterval);
            return this;
        }

        /** What happens when Redis does not answer. Default {@link FailurePolicy#FAIL_OPEN}. */
        public Builder failurePolicy(FailurePolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("failurePolicy must be FAIL_OPEN or FAIL_CLOSED, was null");
            }
            this.policy = policy;
            return this;
        }

        /**
         * The state. Connects lazily: a Redis that is down now is handled by the failure policy.
         *
         * @throws IllegalStateException if no URL was set
         */
        public RedisState build() {
            if (uri == null) {
                throw new IllegalStateException("RedisState needs a url, e.g. .url(\"redis://localhost:6379\")");
            }
            return new RedisState(this);
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
