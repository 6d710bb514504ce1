package ai.synth.lm.redis;

import ai.synth.lm.RouterState;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * <p>Every key is {@code <prefix>:{<deployment or model>}:<what>} (one hash tag per deployment, so Redis Cluster
 * serves it) and expires. Every command waits at most {@link Builder#timeout}; what happens then is the
 * {@link FailurePolicy}. Thread-safe; {@link #close()} it when done. {@link #toString()} never shows the password.
 */
public final class RedisState implements RouterState, AutoCloseable {

    private final RedisLink link;
    private final FailurePolicy policy;
    private final String prefix;
    private final long leaseMillis;
    private final long burstMillis;
    private final Duration timeout;
    private final RouterState local = RouterState.inMemory();
    private final InFlightLeases leases;
    private final String ticketTtl = String.valueOf(Duration.ofHours(1).toMillis());

    private RedisState(Builder b) {
        this.policy = b.policy;
        this.prefix = b.prefix;
        this.leaseMillis = b.leaseTime.toMillis();
        this.burstMillis = b.burst.toMillis();
        this.timeout = b.timeout;
        this.link = new RedisLink(b.uri, b.timeout, b.retryInterval, policy == FailurePolicy.FAIL_OPEN
                ? "each JVM uses its own state" : "routing decisions fail");
        this.leases = new InFlightLeases(UUID.randomUUID().toString(), b.leaseTime, this::renew);
        link.connect(Duration.ZERO); // starts connecting now, in the background
    }

    /** A builder; {@link Builder#url} is required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- calls in flight ----

    @Override
    public boolean tryAcquire(String deploymentId, int max) {
        String member = leases.next();
        Boolean ok = decide("count a call in flight", c -> RedisLink.eval(c, Scripts.ACQUIRE,
                keys(deploymentId, "inflight"), member, String.valueOf(max), String.valueOf(leaseMillis)) == 1,
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
        if (member == null) {
            return;
        }
        if (member.equals(InFlightLeases.LOCAL)) {
            local.release(deploymentId);
        } else {
            after("release a call in flight", c -> c.zrem(key(deploymentId, "inflight"), member), () -> { });
        }
    }

    @Override
    public int inFlight(String deploymentId) {
        Long n = decide("count calls in flight", c -> RedisLink.eval(c, Scripts.COUNT,
                keys(deploymentId, "inflight")), () -> null);
        return n == null ? local.inFlight(deploymentId) : n.intValue() + local.inFlight(deploymentId);
    }

    private void renew(String deploymentId, List<String> members) {
        String[] args = new String[members.size() + 1];
        args[0] = String.valueOf(leaseMillis);
        for (int i = 0; i < members.size(); i++) {
            args[i + 1] = members.get(i);
        }
        link.run("extend leases", c -> RedisLink.eval(c, Scripts.RENEW, keys(deploymentId, "inflight"), args));
    }

    // ---- cooldowns and failures ----

    @Override
    public void coolDown(String deploymentId, Instant until) {
        local.coolDown(deploymentId, until); // kept too, so an outage does not forget it
        after("cool a deployment down", c -> RedisLink.eval(c, Scripts.COOL_DOWN, keys(deploymentId, "cooldown"),
                String.valueOf(until.toEpochMilli()), String.valueOf(System.currentTimeMillis())), () -> { });
    }

    @Override
    public Optional<Instant> cooldownEnd(String deploymentId, Instant now) {
        return decide("read a cooldown", c -> {
            String v = c.get(key(deploymentId, "cooldown"));
            Instant end = v == null ? null : Instant.ofEpochMilli(Long.parseLong(v));
            return end != null && end.isAfter(now) ? Optional.of(end) : Optional.<Instant>empty();
        }, () -> local.cooldownEnd(deploymentId, now));
    }

    @Override
    public int recordFailure(String deploymentId, Instant now, Duration window) {
        String member = leases.next();
        Long n = decide("count a failure", c -> RedisLink.eval(c, Scripts.FAIL, keys(deploymentId, "fails"),
                String.valueOf(now.toEpochMilli()), String.valueOf(Math.max(1, window.toMillis())), member),
                () -> null);
        return n == null ? local.recordFailure(deploymentId, now, window) : n.intValue();
    }

    @Override
    public void clearFailures(String deploymentId) {
        local.clearFailures(deploymentId);
        after("clear failures", c -> c.del(key(deploymentId, "fails")), () -> { });
    }

    // ---- request and token budgets ----

    @Override
    public Optional<Instant> tryReserve(String deploymentId, String ticket, Instant now, int rpm, long tpm,
            long tokens) {
        Long wait = decide("reserve rpm/tpm budget", c -> RedisLink.eval(c, Scripts.RESERVE,
                keys(deploymentId, "bucket", "tickets"), String.valueOf(rpm), String.valueOf(tpm),
                String.valueOf(Math.max(0, tokens)), String.valueOf(burstMillis), ticket, ticketTtl), () -> null);
        if (wait == null) {
            return local.tryReserve(deploymentId, ticket, now, rpm, tpm, tokens);
        }
        return wait == 0 ? Optional.empty() : Optional.of(now.plusMillis(wait));
    }

    @Override
    public void settle(String deploymentId, String ticket, long tokens) {
        after("settle a token reservation", c -> RedisLink.eval(c, Scripts.SETTLE,
                keys(deploymentId, "bucket", "tickets"), ticket, String.valueOf(Math.max(0, tokens))), () -> { });
        local.settle(deploymentId, ticket, tokens); // a no-op unless the ticket was reserved locally
    }

    @Override
    public long tokensLastMinute(String deploymentId, Instant now) {
        Long n = decide("read token usage", c -> RedisLink.eval(c, Scripts.TOKENS, keys(deploymentId, "bucket")),
                () -> null);
        return n == null ? local.tokensLastMinute(deploymentId, now) : n;
    }

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
        return decide("read a warm mark", c -> {
            String v = c.get(key(model(key), "warm"));
            Instant until = v == null ? null : Instant.ofEpochMilli(Long.parseLong(v));
            return until != null && until.isAfter(now) ? Optional.of(until) : Optional.<Instant>empty();
        }, () -> local.warmUntil(key, now));
    }

    @Override
    public void markWarm(String key, Instant until) {
        local.markWarm(key, until);
        after("mark a model warm", c -> RedisLink.eval(c, Scripts.MARK_WARM, keys(model(key), "warm"),
                String.valueOf(until.toEpochMilli()), String.valueOf(System.currentTimeMillis())), () -> { });
    }

    @Override
    public boolean tryWarmupLease(String key, String holder, Duration ttl) {
        Boolean ok = decide("take a warmup lease", c -> RedisLink.eval(c, Scripts.TAKE_LEASE,
                keys(model(key), "warming"), holder, String.valueOf(Math.max(1, ttl.toMillis()))) == 1, () -> null);
        return ok == null ? local.tryWarmupLease(key, holder, ttl) : ok;
    }

    @Override
    public void endWarmupLease(String key, String holder) {
        local.endWarmupLease(key, holder);
        after("end a warmup lease", c -> RedisLink.eval(c, Scripts.END_LEASE, keys(model(key), "warming"),
                holder), () -> { });
    }

    // ---- plumbing ----

    /** A decision: Redis answers, or the policy decides (local state, or an exception). */
    private <T> T decide(String what, Function<RedisCommands<String, String>, T> redis, Supplier<T> fallback) {
        try {
            return link.run(what, redis);
        } catch (RedisLink.Unavailable e) {
            if (policy == FailurePolicy.FAIL_OPEN) {
                return fallback.get();
            }
            throw new SharedStateUnavailableException("Redis at " + link.address() + " did not " + what
                    + " within " + timeout.toMillis() + " ms, and the failure policy is FAIL_CLOSED; start Redis,"
                    + " raise the timeout, or choose FAIL_OPEN", e.getCause());
        }
    }

    /** Bookkeeping: never throws; under {@link FailurePolicy#FAIL_OPEN} the local state takes it over. */
    private void after(String what, Function<RedisCommands<String, String>, ?> redis, Runnable fallback) {
        try {
            link.run(what, redis);
        } catch (RedisLink.Unavailable e) {
            if (policy == FailurePolicy.FAIL_OPEN) {
                fallback.run();
            }
        }
    }

    private static String model(String warmKey) {
        return "warm " + warmKey.replace('\n', ' ');
    }

    private String key(String id, String what) {
        return prefix + ":{" + id + "}:" + what;
    }

    private String[] keys(String id, String... what) {
        String[] keys = new String[what.length];
        for (int i = 0; i < what.length; i++) {
            keys[i] = key(id, what[i]);
        }
        return keys;
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
         * How long a call in flight counts after its JVM stopped extending it (a JVM killed mid-call). Extended
         * every third of it while the call runs. Default 30 seconds.
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
