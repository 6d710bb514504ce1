package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One attempt's hold on a deployment: a slot in flight and a reservation of its minute budget. Ended exactly
 * once, whichever of success, failure, stream end or cancellation comes first, so counts cannot drift; the end
 * (slot, tokens used, failure) goes to the state in one {@link RouterState#finish}.
 */
public final class Lease {

    private final RouterState state;
    private final RouterCore core;
    private final Member member;
    private final String ticket;
    private final long reservedTokens;
    private final Instant started;
    // Two flags updated in place rather than two AtomicBoolean objects: a lease is made for every call.
    private static final AtomicIntegerFieldUpdater<Lease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");
    private static final AtomicIntegerFieldUpdater<Lease> ANSWERED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "answered");
    private volatile int released;
    private volatile int answered;
    /** The tokens the call used, once known; -1 before. */
    private volatile long usedTokens = -1;

    Lease(RouterCore core, Member member, String ticket, long reservedTokens) {
        this.core = core;
        this.state = core.state();
        this.member = member;
        this.ticket = ticket;
        this.reservedTokens = reservedTokens;
        this.started = core.clock().instant();
    }

    /** The deployment held. */
    public Member member() {
        return member;
    }

    /** Records the latency up to now (a whole answer, or the first chunk of a stream), once. */
    public void firstResponse() {
        if (answered == 0 && ANSWERED.compareAndSet(this, 0, 1)) {
            state.recordLatency(member.id(), Duration.between(started, core.clock().instant()));
        }
    }

    /**
     * Replaces the reserved token estimate by what the call really used: sent with the release, or at once when
     * the lease was released already.
     */
    public void settle(long tokens) {
        if (reservedTokens < 0 || tokens < 0) {
            return;
        }
        usedTokens = tokens;
        if (released != 0 && tokens != reservedTokens) {
            state.settle(member.id(), ticket, tokens);
        }
    }

    /** Gives the in-flight slot back, with the tokens used if settled; later calls do nothing. */
    public void release() {
        if (released == 0 && RELEASED.compareAndSet(this, 0, 1)) {
            state.finish(member.id(), ticket, tokensToSettle(), null);
        }
    }

    /** Gives the slot back and counts the failure, in one step; after a release, counts the failure alone. */
    RouterState.Finished fail(RouterState.Failure failure) {
        if (released == 0 && RELEASED.compareAndSet(this, 0, 1)) {
            return state.finish(member.id(), ticket, tokensToSettle(), failure);
        }
        return Stepwise.recordFailure(state, member.id(), failure);
    }

    private long tokensToSettle() {
        long used = usedTokens;
        return used >= 0 && used != reservedTokens ? used : -1;
    }
}
