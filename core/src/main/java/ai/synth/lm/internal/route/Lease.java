package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's hold on a deployment: a slot in flight and a reservation of its minute budget. Released exactly
 * once, whichever of success, failure, stream end or cancellation comes first, so counts cannot drift.
 */
public final class Lease {

    private final RouterState state;
    private final Clock clock;
    private final Member member;
    private final String ticket;
    private final long reservedTokens;
    private final Instant started;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean firstChunk = new AtomicBoolean();

    Lease(RouterState state, Clock clock, Member member, String ticket, long reservedTokens) {
        this.state = state;
        this.clock = clock;
        this.member = member;
        this.ticket = ticket;
        this.reservedTokens = reservedTokens;
        this.started = clock.instant();
    }

    /** The deployment held. */
    public Member member() {
        return member;
    }

    /** Records the latency up to now (a whole answer, or the first chunk of a stream), once. */
    public void firstResponse() {
        if (firstChunk.compareAndSet(false, true)) {
            state.recordLatency(member.id(), Duration.between(started, clock.instant()));
        }
    }

    /** Replaces the reserved token estimate by what the call really used. */
    public void settle(long tokens) {
        if (ticket != null && tokens >= 0 && tokens != reservedTokens) {
            state.settle(member.id(), ticket, tokens);
        }
    }

    /** Gives the in-flight slot back; later calls do nothing. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            state.release(member.id());
        }
    }
}
