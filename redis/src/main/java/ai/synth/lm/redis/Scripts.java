package ai.synth.lm.redis;

/**
 * The Lua scripts of {@link RedisState}. Each decision is one script, so it is atomic in Redis without a
 * compare-and-swap loop, and reads the time from Redis itself, so JVMs with skewed clocks agree.
 */
final class Scripts {

    private Scripts() {}

    private static final String NOW = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /**
     * Token buckets for requests and tokens of a deployment (a GCRA-like continuous refill, no windows).
     * KEYS: bucket, tickets. ARGV: rpm, tpm, tokens, burst ms, ticket, ticket ttl ms.
     * Returns 0 when reserved, else the milliseconds until the call would fit.
     */
    static final String RESERVE = NOW
            + "local rpm, tpm, cost, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])\n"
            + "local h = redis.call('HMGET', KEYS[1], 'r', 'k', 't', 'u')\n"
            + "local dt = math.max(0, now - (tonumber(h[3]) or now))\n"
            + "local rcap = math.max(1, rpm * burst / 60000)\n"
            + "local kcap = math.max(1, tpm * burst / 60000)\n"
            + "local r = math.min(rcap, (tonumber(h[1]) or rcap) + dt * rpm / 60000)\n"
            + "local k = math.min(kcap, (tonumber(h[2]) or kcap) + dt * tpm / 60000)\n"
            + "local u = (tonumber(h[4]) or 0) * math.exp(-dt / 60000)\n"
            + "local wait = 0\n"
            + "if rpm > 0 and r < 1 then wait = math.max(wait, (1 - r) * 60000 / rpm) end\n"
            + "local need = math.min(cost, kcap)\n"
            + "if tpm > 0 and k < need then wait = math.max(wait, (need - k) * 60000 / tpm) end\n"
            + "if wait > 0 then return math.max(1, math.ceil(wait)) end\n"
            + "if rpm > 0 then r = r - 1 end\n"
            + "if tpm > 0 then k = k - cost end\n"
            + "u = u + cost\n"
            + "redis.call('HSET', KEYS[1], 'r', r, 'k', k, 't', now, 'u', u, 'c', kcap)\n"
            + "local refill = 0\n"
            + "if rpm > 0 then refill = math.max(refill, (rcap - r) * 60000 / rpm) end\n"
            + "if tpm > 0 then refill = math.max(refill, (kcap - k) * 60000 / tpm) end\n"
            + "redis.call('PEXPIRE', KEYS[1], math.ceil(refill) + 60000)\n"
            + "redis.call('HSET', KEYS[2], ARGV[5], cost)\n"
            + "redis.call('PEXPIRE', KEYS[2], ARGV[6])\n"
            + "return 0\n";

    /** KEYS: bucket, tickets. ARGV: ticket, tokens used. Gives back (or takes more of) the token budget. */
    static final String SETTLE = "local est = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))\n"
            + "if not est then return 0 end\n"
            + "redis.call('HDEL', KEYS[2], ARGV[1])\n"
            + "local h = redis.call('HMGET', KEYS[1], 'k', 'u', 'c')\n"
            + "if not h[1] then return 0 end\n"
            + "local used = tonumber(ARGV[2])\n"
            + "local k = math.min(tonumber(h[3]) or math.huge, tonumber(h[1]) + est - used)\n"
            + "local u = math.max(0, (tonumber(h[2]) or 0) - est + used)\n"
            + "redis.call('HSET', KEYS[1], 'k', k, 'u', u)\n"
            + "return 1\n";

    /** KEYS: bucket. Returns the tokens of about the last minute (a decaying sum). */
    static final String TOKENS = NOW
            + "local h = redis.call('HMGET', KEYS[1], 't', 'u')\n"
            + "if not h[1] then return 0 end\n"
            + "return math.floor(tonumber(h[2]) * math.exp(-math.max(0, now - tonumber(h[1])) / 60000))\n";

    /** KEYS: leases (a sorted set scored by expiry). ARGV: member, max, ttl ms. Returns 1 when acquired. */
    static final String ACQUIRE = NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
            + "local max = tonumber(ARGV[2])\n"
            + "if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then return 0 end\n"
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])\n"
            + "redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)\n"
            + "return 1\n";

    /** KEYS: leases. ARGV: ttl ms, members... Extends the members still held. */
    static final String RENEW = NOW
            + "local ttl = tonumber(ARGV[1])\n"
            + "for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end\n"
            + "redis.call('PEXPIRE', KEYS[1], ttl + 1000)\n"
            + "return 1\n";

    /** KEYS: leases. Returns the leases not expired. */
    static final String COUNT = NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
            + "return redis.call('ZCARD', KEYS[1])\n";

    /** KEYS: cooldown. ARGV: deadline ms, now ms. The deadline only moves later (max of old and new). */
    static final String COOL_DOWN = "local cur = tonumber(redis.call('GET', KEYS[1]))\n"
            + "local new = tonumber(ARGV[1])\n"
            + "if new > tonumber(ARGV[2]) and (not cur or new > cur) then\n"
            + "  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])\n"
            + "  return 1\n"
            + "end\n"
            + "return 0\n";

    /** KEYS: failures (a sorted set of times). ARGV: now ms, window ms, member. Returns the failures in the window. */
    static final String FAIL = "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))\n"
            + "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])\n"
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
            + "return redis.call('ZCARD', KEYS[1])\n";

    /** KEYS: warm mark. ARGV: until ms, now ms. */
    static final String MARK_WARM = "local cur = tonumber(redis.call('GET', KEYS[1]))\n"
            + "local new = tonumber(ARGV[1])\n"
            + "if new > tonumber(ARGV[2]) and (not cur or new > cur) then\n"
            + "  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])\n"
            + "end\n"
            + "return 1\n";

    /** KEYS: lease. ARGV: holder, ttl ms. Returns 1 when the holder has the lease (taken or extended). */
    static final String TAKE_LEASE = "local cur = redis.call('GET', KEYS[1])\n"
            + "if cur and cur ~= ARGV[1] then return 0 end\n"
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
            + "return 1\n";

    /** KEYS: lease. ARGV: holder. Deletes the lease only if the holder has it. */
    static final String END_LEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end\n"
            + "return 1\n";
}
