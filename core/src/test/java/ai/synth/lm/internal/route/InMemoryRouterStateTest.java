package ai.synth.lm.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryRouterStateTest {

    private final InMemoryRouterState state = new InMemoryRouterState();
    private final Instant t0 = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void cooldownDeadlineOnlyEverMovesLater() {
        state.coolDown("a", t0.plusSeconds(30));
        state.coolDown("a", t0.plusSeconds(5));

        assertThat(state.cooldownEnd("a", t0)).contains(t0.plusSeconds(30));
        state.coolDown("a", t0.plusSeconds(60));
        assertThat(state.cooldownEnd("a", t0)).contains(t0.plusSeconds(60));
        assertThat(state.cooldownEnd("a", t0.plusSeconds(60))).isEmpty();
    }

    @Test
    void inFlightNeverGoesNegativeAndHonoursTheLimit() {
        state.release("a");
        assertThat(state.inFlight("a")).isZero();
        assertThat(state.tryAcquire("a", 2)).isTrue();
        assertThat(state.tryAcquire("a", 2)).isTrue();
        assertThat(state.tryAcquire("a", 2)).isFalse();
        assertThat(state.inFlight("a")).isEqualTo(2);
    }

    @Test
    void failuresCountWithinTheWindowOnly() {
        assertThat(state.recordFailure("a", t0, Duration.ofMinutes(1))).isEqualTo(1);
        assertThat(state.recordFailure("a", t0.plusSeconds(30), Duration.ofMinutes(1))).isEqualTo(2);
        assertThat(state.recordFailure("a", t0.plusSeconds(61), Duration.ofMinutes(1))).isEqualTo(2);
        state.clearFailures("a");
        assertThat(state.recordFailure("a", t0.plusSeconds(62), Duration.ofMinutes(1))).isEqualTo(1);
    }

    @Test
    void slidingMinuteLetsNoBurstThroughAtAMinuteBoundary() {
        assertThat(state.tryReserve("a", "1", t0.plusSeconds(59), 2, 0, 0)).isEmpty();
        assertThat(state.tryReserve("a", "2", t0.plusSeconds(59), 2, 0, 0)).isEmpty();

        assertThat(state.tryReserve("a", "3", t0.plusSeconds(61), 2, 0, 0))
                .contains(t0.plusSeconds(119).plusNanos(1));
    }

    @Test
    void settlingReplacesTheEstimateAndFreesTokenBudget() {
        assertThat(state.tryReserve("a", "x", t0, 0, 100, 90)).isEmpty();
        assertThat(state.tryReserve("a", "y", t0, 0, 100, 50)).isPresent();

        state.settle("a", "x", 20);

        assertThat(state.tokensLastMinute("a", t0)).isEqualTo(20);
        assertThat(state.tryReserve("a", "y", t0, 0, 100, 50)).isEmpty();
    }

    @Test
    void latencyIsTheMeanOfTheLastTenSamples() {
        for (int i = 0; i < 10; i++) {
            state.recordLatency("a", Duration.ofMillis(1000));
        }
        for (int i = 0; i < 10; i++) {
            state.recordLatency("a", Duration.ofMillis(100));
        }
        assertThat(state.latency("a")).contains(Duration.ofMillis(100));
        assertThat(state.latency("b")).isEmpty();
    }

    @Test
    void latencyBeforeTenSamplesIsTheMeanOfThoseRecorded() {
        state.recordLatency("a", Duration.ofMillis(10));
        state.recordLatency("a", Duration.ofMillis(30));

        assertThat(state.latency("a")).contains(Duration.ofMillis(20));
    }

    @Test
    void concurrentAcquiresNeverPassTheLimitAndReleasesBringTheCountBackToZero() throws Exception {
        int threads = 8;
        int max = 3;
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (state.tryAcquire("a", max)) {
                            mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                            held.decrementAndGet();
                            state.release("a");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(w.isAlive()).as("a worker still running after 60 s").isFalse();
        }

        assertThat(failures).isEmpty();
        assertThat(mostHeld.get()).isBetween(1, max);
        assertThat(state.inFlight("a")).isZero();
    }

    @Test
    void aWaiterRegisteringWhileAReleaseRunsIsAlwaysWoken() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            assertThat(state.tryAcquire("r", 1)).isTrue();
            CyclicBarrier both = new CyclicBarrier(2);
            Thread releaser = new Thread(() -> {
                try {
                    both.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                state.release("r");
            });
            releaser.start();
            both.await();
            CompletableFuture<Void> waiter = state.whenBelow("r", 1);
            releaser.join(TimeUnit.SECONDS.toMillis(10));
            // Either the waiter saw the slot free, or the release woke it: it never waits for a later release.
            waiter.get(10, TimeUnit.SECONDS);
            assertThat(state.inFlight("r")).isZero();
        }
    }
}
