package ai.synth.lm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scheduler that records each requested delay and completes at once, so tests never sleep. */
final class RecordingScheduler implements Scheduler {

    final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> delay(Duration delay) {
        delays.add(delay);
        return CompletableFuture.completedFuture(null);
    }
}
