package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SystemTimerTest {

    private final ScheduledThreadPoolExecutor timer = SystemTimer.newTimer();
    private final SystemTimer scheduler = new SystemTimer(timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aCancelledWaitFreesItsTimerAtOnceInsteadOfKeepingItUntilItsEnd() {
        CompletableFuture<Void> wait = scheduler.delay(Duration.ofHours(1));
        assertThat(scheduler.pending()).isEqualTo(1);

        wait.cancel(false);

        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aWaitFailedByItsHolderFreesItsTimerToo() {
        CompletableFuture<Void> wait = scheduler.delay(Duration.ofMinutes(10));

        wait.completeExceptionally(new IllegalStateException("no longer needed"));

        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void cancellingOneWaitLeavesTheOthersQueued() {
        CompletableFuture<Void> first = scheduler.delay(Duration.ofHours(1));
        CompletableFuture<Void> second = scheduler.delay(Duration.ofHours(2));

        first.cancel(false);

        assertThat(scheduler.pending()).isEqualTo(1);
        assertThat(second).isNotDone();
    }

    @Test
    void aWaitCompletesWhenItsTimeComesAndLeavesNothingQueued() throws Exception {
        CompletableFuture<Void> wait = scheduler.delay(Duration.ZERO);

        wait.get(10, TimeUnit.SECONDS);

        assertThat(wait).isCompleted();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void theWorkAfterAWaitDoesNotRunOnTheTimerThread() throws Exception {
        String thread = scheduler.delay(Duration.ZERO).thenApply(v -> Thread.currentThread().getName())
                .get(10, TimeUnit.SECONDS);

        assertThat(thread).isNotEqualTo("synth-lm-scheduler");
    }

    @Test
    void theSystemSchedulerIsTheSharedCancellableTimer() {
        assertThat(Scheduler.system()).isSameAs(SystemTimer.shared());
    }
}
