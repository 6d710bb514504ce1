package ai.synth.lm.redis;

/** What {@link RedisState} does when Redis does not answer within its timeout. */
public enum FailurePolicy {
    /**
     * Goes on with state local to this JVM (each JVM then keeps its own limits, cooldowns and warm marks), logs the
     * outage once, and uses Redis again as soon as it answers. The default: calls never stop because Redis did.
     */
    FAIL_OPEN,
    /**
     * Refuses the routing decision with a {@link SharedStateUnavailableException}: no call goes out that the shared
     * limits could not count. Bookkeeping after a call (releases, settlements) is skipped, and leases expire.
     */
    FAIL_CLOSED
}
