package ai.synth.lm.internal;

import ai.synth.lm.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The waits of {@link Scheduler#system()}: real time on one daemon timer thread that only triggers, the work after
 * a wait running on the JDK's default asynchronous pool as {@link CompletableFuture#delayedExecutor} runs it. Unlike
 * that executor, a wait whose future is cancelled (or otherwise completed) early frees its timer at once, instead
 * of keeping it queued until it would have fired: a routed call woken from a 10-minute wait for a parallel-request
 * slot leaves nothing behind. Thread-safe.
 */
public final class SystemTimer implements Scheduler {

    private static final class Shared {
        static final SystemTimer INSTANCE = new SystemTimer(newTimer());
    }

    private final ScheduledThreadPoolExecutor timer;

    /** A scheduler on {@code timer}, which should drop cancelled tasks ({@code setRemoveOnCancelPolicy(true)}). */
    SystemTimer(ScheduledThreadPoolExecutor timer) {
        this.timer = timer;
    }

    /** The one instance behind {@link Scheduler#system()}. */
    public static SystemTimer shared() {
        return Shared.INSTANCE;
    }

    /** A one-thread daemon timer that drops cancelled tasks from its queue. */
    static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synth-lm-scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    public CompletableFuture<Void> delay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> task = timer.schedule(() -> CompletableFuture.runAsync(() -> done.complete(null)),
                delay.toNanos(), TimeUnit.NANOSECONDS);
        done.whenComplete((ignored, error) -> {
            if (error != null) { // cancelled, or failed by its holder: the timer is no longer wanted
                task.cancel(false);
            }
        });
        return done;
    }

    /** How many waits are queued on this timer now. For leak checks. */
    int pending() {
        return timer.getQueue().size();
    }
}
