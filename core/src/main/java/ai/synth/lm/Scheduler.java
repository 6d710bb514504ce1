package ai.synth.lm;

import ai.synth.lm.internal.SystemTimer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Waits between retries and between warmup status checks, without holding a thread.
 *
 * <p>The default, {@link #system()}, waits in real time on a shared timer thread. Tests inject one that records each
 * delay and completes at once, so nothing sleeps for real:
 * <pre>{@code
 * List<Duration> delays = new CopyOnWriteArrayList<>();
 * Scheduler instant = delay -> { delays.add(delay); return CompletableFuture.completedFuture(null); };
 * SynthConfig config = SynthConfig.builder().scheduler(instant).build();
 * }</pre>
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * A future that completes after the delay. The work that follows may run on the thread that completes it. A
     * caller that no longer needs the wait cancels the future (the library does, e.g. for a routed call woken early
     * from a wait for a parallel-request slot); an implementation should then drop its timer.
     *
     * @param delay not negative
     */
    CompletableFuture<Void> delay(Duration delay);

    /**
     * Real time on one shared daemon timer thread (the work after a wait runs on the JDK's default asynchronous
     * pool); holds no thread while waiting, and a wait whose future is cancelled frees its timer at once.
     */
    static Scheduler system() {
        return SystemTimer.shared();
    }
}
