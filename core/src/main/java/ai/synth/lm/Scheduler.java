package ai.synth.lm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits between retries and between warmup status checks, without holding a thread.
 *
 * <p>The default, {@link #system()}, uses the JDK's shared delayed executor. Tests inject one that records each
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
     * A future that completes after the delay. The work that follows may run on the thread that completes it.
     *
     * @param delay not negative
     */
    CompletableFuture<Void> delay(Duration delay);

    /** Real time, on the JDK's shared delayed executor; holds no thread while waiting. */
    static Scheduler system() {
        return delay -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(() -> done.complete(null));
            return done;
        };
    }
}
