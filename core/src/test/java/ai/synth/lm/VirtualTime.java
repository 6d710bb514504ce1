package ai.synth.lm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock and a scheduler in one: every wait moves the clock forward by its length and ends at once. */
final class VirtualTime implements Scheduler {

    final MutableClock clock = new MutableClock();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> delay(Duration delay) {
        waits.add(delay);
        clock.advance(delay);
        return CompletableFuture.completedFuture(null);
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}
