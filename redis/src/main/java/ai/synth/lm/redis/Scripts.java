package ai.synth.lm.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisState}. Each step is one script, so it is atomic in Redis without a
 * compare-and-swap loop and costs one round trip; buckets and leases read the time from Redis itself, so JVMs with
 * skewed clocks agree. The two a routed call runs are {@link #DECIDE} before it and {@link #FINISH} after it.
 */
final class Scripts {

    private Scripts() {}

    /** A script's source and the SHA-1 digest it is run by. */
    record Script(String source, String sha) {
        static Script of(String source) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
                return new Script(source, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }

    private static final String NOW = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /**
     * Token buckets for requests and tokens of a deployment (a GCRA-like continuous refill, no windows): reserves
     * one request and {@code cost} tokens under the ticket, or returns the milliseconds until they would fit.
     */
    private static final String RESERVE_FN = "local function reserve(bk, tk, rpm, tpm, cost, burst, ticket, ttl)\n"
            + "  local h = redis.call('HMGET', bk, 'r', 'k', 't', 'u')\n"
            + "  local dt = math.max(0, now - (tonumber(h[3]) or now))\n"
            + "  local rcap = math.max(1, rpm * burst / 60000)\n"
            + "  local kcap = math.max(1, tpm * burst / 60000)\n"
            + "  local r = math.min(rcap, (tonumber(h[1]) or rcap) + dt * rpm / 60000)\n"
            + "  local k = math.min(kcap, (tonumber(h[2]) or kcap) + dt * tpm / 60000)\n"
            + "  local u = (tonumber(h[4]) or 0) * math.exp(-dt / 60000)\n"
            + "  local wait = 0\n"
            + "  if rpm > 0 and r < 1 then wait = math.max(wait, (1 - r) * 60000 / rpm) end\n"
            + "  local need = math.min(cost, kcap)\n"
            + "  if tpm > 0 and k < need then wait = math.max(wait, (need - k) * 60000 / tpm) end\n"
            + "  if wait > 0 then return math.max(1, math.ceil(wait)) end\n"
            + "  if rpm > 0 then r = r - 1 end\n"
            + "  if tpm > 0 then k = k - cost end\n"
            + "  u = u + cost\n"
            + "  redis.call('HSET', bk, 'r', r, 'k', k, 't', now, 'u', u, 'c', kcap)\n"
            + "  local refill = 0\n"
            + "  if rpm > 0 then refill = math.max(refill, (rcap - r) * 60000 / rpm) end\n"
            + "  if tpm > 0 then refill = math.max(refill, (kcap - k) * 60000 / tpm) end\n"
            + "  redis.call('PEXPIRE', bk, math.ceil(refill) + 60000)\n"
            + "  redis.call('HSET', tk, ticket, cost)\n"
            + "  redis.call('PEXPIRE', tk, ttl)\n"
            + "  return 0\n"
            + "end\n";

    /** Replaces a ticket's reserved tokens by those used: gives back (or takes more of) the token budget. */
    private static final String SETTLE_FN = "local function settle(bk, tk, ticket, used)\n"
            + "  local est = tonumber(redis.call('HGET', tk, ticket))\n"
            + "  if not est then return 0 end\n"
            + "  redis.call('HDEL', tk, ticket)\n"
            + "  local h = redis.call('HMGET', bk, 'k', 'u', 'c')\n"
            + "  if not h[1] then return 0 end\n"
            + "  local k = math.min(tonumber(h[3]) or math.huge, tonumber(h[1]) + est - used)\n"
            + "  local u = math.max(0, (tonumber(h[2]) or 0) - est + used)\n"
            + "  redis.call('HSET', bk, 'k', k, 'u', u)\n"
            + "  return 1\n"
            + "end\n";

    /** The tokens of about the last minute (a decaying sum). */
    private static final String USED_FN = "local function used(bk)\n"
            + "  local h = redis.call('HMGET', bk, 't', 'u')\n"
            + "  if not h[1] then return 0 end\n"
            + "  return tonumber(h[2]) * math.exp(-math.max(0, now - tonumber(h[1])) / 60000)\n"
            + "end\n";

    /** Records a failure at {@code at} and returns the failures within {@code window} before it. */
    private static final String FAIL_FN = "local function fail(fk, at, window, member)\n"
            + "  redis.call('ZREMRANGEBYSCORE', fk, '-inf', at - window)\n"
            + "  redis.call('ZADD', fk, at, member)\n"
            + "  redis.call('PEXPIRE', fk, window)\n"
            + "  return redis.call('ZCARD', fk)\n"
            + "end\n";

    /** Sets a deadline (ms) that only moves later, expiring with it. Returns 1 when it moved. */
    private static final String LATER_FN = "local function later(key, deadline, floor)\n"
            + "  local cur = tonumber(redis.call('GET', key))\n"
            + "  if deadline > floor and (not cur or deadline > cur) then\n"
            + "    redis.call('SET', key, string.format('%d', deadline), 'PXAT', string.format('%d', deadline))\n"
            + "    return 1\n"
            + "  end\n"
            + "  return 0\n"
            + "end\n";

    /**
     * One routing decision. KEYS: per candidate its cooldown, leases, bucket and tickets. ARGV: the router's time
     * (ms, for cooldowns), order ({@code given}, {@code busy} or {@code tokens}), ticket, tokens, burst ms, lease
     * ms, ticket ttl ms, then per candidate: eligible, max in flight, rpm, tpm, reserve (1 or 0). Reads every
     * cooldown, sorts the eligible candidates that are not cooling, and holds the first with a free slot and
     * budget: a lease in its sorted set, scored by expiry. Returns {chosen (1-based, 0: none), full (1 or 0),
     * ms until a spent budget might fit (-1: none was spent), then (candidate, cooldown end) pairs}.
     */
    static final Script DECIDE = Script.of(NOW + RESERVE_FN + USED_FN
            + "local clock, order, ticket = tonumber(ARGV[1]), ARGV[2], ARGV[3]\n"
            + "local cost, burst, lease, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]\n"
            + "local out, open = {0, 0, -1}, {}\n"
            + "for i = 1, #KEYS / 4 do\n"
            + "  local k, a = (i - 1) * 4, 7 + (i - 1) * 5\n"
            + "  local cd = tonumber(redis.call('GET', KEYS[k + 1]))\n"
            + "  if cd and cd > clock then\n"
            + "    out[#out + 1] = i\n"
            + "    out[#out + 1] = cd\n"
            + "  elseif ARGV[a + 1] == '1' then\n"
            + "    redis.call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', now)\n"
            + "    local busy = redis.call('ZCARD', KEYS[k + 2])\n"
            + "    local key = 0\n"
            + "    if order == 'busy' then key = busy elseif order == 'tokens' then key = used(KEYS[k + 3]) end\n"
            + "    open[#open + 1] = {i = i, busy = busy, key = key}\n"
            + "  end\n"
            + "end\n"
            + "table.sort(open, function(x, y) if x.key ~= y.key then return x.key < y.key end return x.i < y.i end)\n"
            + "for _, c in ipairs(open) do\n"
            + "  local k, a = (c.i - 1) * 4, 7 + (c.i - 1) * 5\n"
            + "  local max = tonumber(ARGV[a + 2])\n"
            + "  if max > 0 and c.busy >= max then\n"
            + "    out[2] = 1\n"
            + "  else\n"
            + "    local wait = 0\n"
            + "    if ARGV[a + 5] == '1' then\n"
            + "      wait = reserve(KEYS[k + 3], KEYS[k + 4], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), cost, burst,"
            + " ticket, ttl)\n"
            + "    end\n"
            + "    if wait == 0 then\n"
            + "      redis.call('ZADD', KEYS[k + 2], now + lease, ticket)\n"
            + "      redis.call('PEXPIRE', KEYS[k + 2], lease + 1000)\n"
            + "      out[1] = c.i\n"
            + "      return out\n"
            + "    end\n"
            + "    if out[3] < 0 or wait < out[3] then out[3] = wait end\n"
            + "  end\n"
            + "end\n"
            + "return out\n");

    /**
     * What an attempt leaves behind. KEYS: leases, bucket, tickets, failures, cooldown. ARGV: ticket, tokens used
     * (-1: keep the estimate), failed (1 or 0), failure time ms, window ms, allowed failures, cooldown ms. Releases
     * the lease, settles the tokens, counts the failure and, past the allowed ones, moves the cooldown deadline
     * later and forgets the failures. Returns {failures counted, cooled (1 or 0)}.
     */
    static final Script FINISH = Script.of(SETTLE_FN + FAIL_FN + LATER_FN
            + "redis.call('ZREM', KEYS[1], ARGV[1])\n"
            + "local used = tonumber(ARGV[2])\n"
            + "if used >= 0 then settle(KEYS[2], KEYS[3], ARGV[1], used) end\n"
            + "if ARGV[3] ~= '1' then return {0, 0} end\n"
            + "local at, window, cool = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[7])\n"
            + "local fails = fail(KEYS[4], at, window, ARGV[1])\n"
            + "if fails <= tonumber(ARGV[6]) or cool <= 0 then return {fails, 0} end\n"
            + "later(KEYS[5], at + cool, at)\n"
            + "redis.call('DEL', KEYS[4])\n"
            + "return {fails, 1}\n");

    /** KEYS: bucket, tickets. ARGV: rpm, tpm, tokens, burst ms, ticket, ticket ttl ms. 0 or the ms to wait. */
    static final Script RESERVE = Script.of(NOW + RESERVE_FN + "return reserve(KEYS[1], KEYS[2], tonumber(ARGV[1]),"
            + " tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6])\n");

    /** KEYS: bucket, tickets. ARGV: ticket, tokens used. */
    static final Script SETTLE = Script.of(SETTLE_FN + "return settle(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))\n");

    /** KEYS: bucket. Returns the tokens of about the last minute. */
    static final Script TOKENS = Script.of(NOW + USED_FN + "return math.floor(used(KEYS[1]))\n");

    /** KEYS: leases (a sorted set scored by expiry). ARGV: member, max, ttl ms. Returns 1 when acquired. */
    static final Script ACQUIRE = Script.of(NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
            + "local max = tonumber(ARGV[2])\n"
            + "if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then return 0 end\n"
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])\n"
            + "redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)\n"
            + "return 1\n");

    /** KEYS: leases. ARGV: member. */
    static final Script RELEASE = Script.of("return redis.call('ZREM', KEYS[1], ARGV[1])\n");

    /** KEYS: leases. ARGV: ttl ms, members... Extends the members still held. */
    static final Script RENEW = Script.of(NOW
            + "local ttl = tonumber(ARGV[1])\n"
            + "for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end\n"
            + "redis.call('PEXPIRE', KEYS[1], ttl + 1000)\n"
            + "return 1\n");

    /** KEYS: leases. Returns the leases not expired. */
    static final Script COUNT = Script.of(NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
            + "return redis.call('ZCARD', KEYS[1])\n");

    /** KEYS: a deadline (cooldown or warm mark). ARGV: deadline ms, now ms. Only moves later; 1 when it did. */
    static final Script LATER = Script.of(LATER_FN + "return later(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))\n");

    /** KEYS: a deadline. Returns it (ms), or 0 when unset. */
    static final Script DEADLINE = Script.of("return tonumber(redis.call('GET', KEYS[1])) or 0\n");

    /** KEYS: failures (a sorted set of times). ARGV: now ms, window ms, member. Returns the failures in the window. */
    static final Script FAIL = Script.of(FAIL_FN + "return fail(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),"
            + " ARGV[3])\n");

    /** KEYS: any. Deletes them. */
    static final Script DELETE = Script.of("return redis.call('DEL', unpack(KEYS))\n");

    /** KEYS: lease. ARGV: holder, ttl ms. Returns 1 when the holder has the lease (taken or extended). */
    static final Script TAKE_LEASE = Script.of("local cur = redis.call('GET', KEYS[1])\n"
            + "if cur and cur ~= ARGV[1] then return 0 end\n"
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
            + "return 1\n");

    /** KEYS: lease. ARGV: holder. Deletes the lease only if the holder has it. */
    static final Script END_LEASE = Script.of("if redis.call('GET', KEYS[1]) == ARGV[1] then"
            + " redis.call('DEL', KEYS[1]) end\n"
            + "return 1\n");
}
