package ai.synth.lm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A scheduler whose waits complete only when the test releases them. */
final class ManualScheduler implements Scheduler {

    private final BlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
    /** Every wait asked for, in order. */
    final List<Duration> asked = new CopyOnWriteArrayList<>();
    /** The future of every wait asked for, in order: a caller that no longer needs one cancels it. */
    final List<CompletableFuture<Void>> issued = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> delay(Duration delay) {
        asked.add(delay);
        CompletableFuture<Void> f = new CompletableFuture<>();
        issued.add(f);
        pending.add(f);
        return f;
    }

    /** Waits (bounded) until {@code n} waits are pending. */
    void awaitPending(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pending.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no wait was scheduled within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** Releases waits one at a time until {@code done} completes (bounded). */
    void releaseAllUntilDone(CompletableFuture<?> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.isDone()) {
            try {
                CompletableFuture<Void> next = pending.poll(50, TimeUnit.MILLISECONDS);
                if (next != null) {
                    next.complete(null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("warmup did not finish within 10 s");
            }
        }
    }
}
