package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SlotsTest {

    /** Result lines queued for the reader: draining one frees its permit, as a written result does. */
    private static final class Queued implements Runnable {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> writtenBy = new ConcurrentLinkedQueue<>();
        final AtomicInteger runs = new AtomicInteger();
        Slots slots;

        @Override
        public void run() {
            runs.incrementAndGet();
            String line;
            while ((line = lines.poll()) != null) {
                writtenBy.add(line + " by " + Thread.currentThread().getName());
                slots.free();
            }
        }
    }

    /** Slots whose waiting reader looks by itself only after an hour: in these tests, only wake-ups move it. */
    private static Queued queued(int permits) {
        return queued(permits, Duration.ofHours(1));
    }

    private static Queued queued(int permits, Duration hold) {
        Queued q = new Queued();
        q.slots = new Slots(permits, q, hold);
        return q;
    }

    /** Waits, without sleeping, until {@code q} has written {@code n} lines. */
    private static void untilWritten(Queued q, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (q.writtenBy.size() < n) {
            assertThat(System.nanoTime()).as("the reader writes the queued lines").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** Waits, without sleeping, until {@code thread} is parked in {@link Slots#take}. */
    private static void untilParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!((thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING)
                && LockSupport.getBlocker(thread) instanceof Slots)) {
            assertThat(System.nanoTime()).as("the reader parks waiting for a permit").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** A reader thread that took {@code n} permits once {@code took} completes; parked when this returns. */
    private record Reader(Thread thread, CompletableFuture<Void> took) {
        static Reader waitingFor(Queued q, int n) {
            CompletableFuture<Void> took = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                q.slots.take(n);
                took.complete(null);
            }, "reader");
            thread.start();
            untilParked(thread);
            return new Reader(thread, took);
        }

        void end() throws Exception {
            took.get(10, TimeUnit.SECONDS);
            thread.join(10_000);
        }
    }

    @Test
    void aLineQueuedWhileNoReaderWaitsIsLeftToTheThreadThatQueuedIt() {
        Queued q = queued(1);

        q.slots.take(1);

        assertThat(q.slots.handedToWaiter(1, 1)).isFalse();
    }

    @Test
    void aReaderWaitingForAPermitWritesTheLinesQueuedMeanwhileAndTakesThePermitTheyFree() throws Exception {
        Queued q = queued(1);
        q.slots.take(1);
        Reader reader = Reader.waitingFor(q, 1);

        q.lines.add("line 1");
        boolean handed = q.slots.handedToWaiter(1, 1);
        reader.end();

        assertThat(handed).isTrue();
        assertThat(q.writtenBy).containsExactly("line 1 by reader");
        assertThat(q.slots.handedToWaiter(1, 1)).as("the reader waits no more").isFalse();
    }

    @Test
    void aPermitFreedElsewhereWakesTheWaitingReader() throws Exception {
        Queued q = queued(2);
        q.slots.take(1);
        Thread reader = new Thread(() -> q.slots.take(2), "reader");
        reader.start();
        untilParked(reader);

        q.slots.free();
        reader.join(10_000);

        assertThat(reader.isAlive()).isFalse();
    }

    @Test
    void anInterruptedReaderGoesOnWaitingAndKeepsItsInterruptStatus() throws Exception {
        Queued q = queued(1);
        q.slots.take(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            q.slots.take(1);
            interrupted.complete(Thread.currentThread().isInterrupted());
        }, "reader");
        reader.start();
        untilParked(reader);

        reader.interrupt();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (q.runs.get() < 2) { // woken by the interrupt, it looked for lines once more
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
        untilParked(reader);
        assertThat(interrupted).isNotDone();
        q.slots.free();

        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        // waiting, woken by the interrupt, woken by the permit, leaving: a reader spinning on its interrupt runs far more
        assertThat(q.runs.get()).isBetween(4, 6);
    }

    @Test
    void withManyInFlightAWaitingReaderIsWokenOnceAnEighthOfThemWaitAndWritesThemTogether() throws Exception {
        Queued q = queued(64);
        q.slots.take(64);
        Reader reader = Reader.waitingFor(q, 1);
        long wakesBefore = q.slots.wakes();

        for (int i = 1; i < 8; i++) {
            q.lines.add("line " + i);
            assertThat(q.slots.handedToWaiter(i, 64)).isTrue();
        }
        assertThat(q.slots.wakes()).as("7 of 64 waiting: the reader is not woken").isEqualTo(wakesBefore);
        q.lines.add("line 8");
        assertThat(q.slots.handedToWaiter(8, 64)).isTrue();
        reader.end();

        assertThat(q.slots.wakes()).isEqualTo(wakesBefore + 1);
        assertThat(q.writtenBy).hasSize(8).allMatch(line -> line.endsWith(" by reader"));
    }

    @Test
    void aWaitingReaderIsWokenWhenTheQueuedLinesAreAllTheCallsLeft() throws Exception {
        Queued q = queued(64);
        q.slots.take(64);
        Reader reader = Reader.waitingFor(q, 64);
        long wakesBefore = q.slots.wakes();

        q.lines.add("line 1");
        q.lines.add("line 2");
        assertThat(q.slots.handedToWaiter(2, 3)).isTrue();
        assertThat(q.slots.wakes()).isEqualTo(wakesBefore);
        q.lines.add("line 3");
        assertThat(q.slots.handedToWaiter(3, 3)).isTrue();
        untilWritten(q, 3); // before any other permit comes back: the handing over alone woke the reader

        assertThat(q.writtenBy).containsExactly("line 1 by reader", "line 2 by reader", "line 3 by reader");
        for (int i = 4; i <= 64; i++) { // the job's last permits, as other written lines would give them back
            q.slots.free();
        }
        reader.end();
    }

    @Test
    void aWaitingReaderWritesALineNobodyWakesItForWithinItsHold() throws Exception {
        Queued q = queued(64, Duration.ofMillis(1));
        q.slots.take(64);
        Reader reader = Reader.waitingFor(q, 1);
        long wakesBefore = q.slots.wakes();

        q.lines.add("slow company");
        assertThat(q.slots.handedToWaiter(1, 64)).isTrue();
        untilWritten(q, 1);
        reader.end();

        assertThat(q.slots.wakes()).as("written after the reader's own look, not a wake-up").isEqualTo(wakesBefore);
        assertThat(q.writtenBy).containsExactly("slow company by reader");
    }

    @Test
    void theLinesThatWakeTheReaderAreAnEighthOfThePermitsFrom1To16() {
        assertThat(queued(1).slots.batch()).isEqualTo(1);
        assertThat(queued(15).slots.batch()).isEqualTo(1);
        assertThat(queued(16).slots.batch()).isEqualTo(2);
        assertThat(queued(1000).slots.batch()).isEqualTo(16);
    }
}
