package ai.synth.lm.internal.batch;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A job's in-flight permits, taken by its reader thread alone, and the waiting reader's part in writing results.
 * While the reader waits for a permit it writes the result lines queued since it last looked (each line written lets
 * its permit go), so results go to the operating system several in one write instead of one write each from the
 * threads that made them. A thread that queued a line asks {@link #handedToWaiter}: when the reader waits, the line
 * is the reader's to write, otherwise the caller writes it at once, so a line never waits for a reader that is busy
 * elsewhere (reading its input, or held by the minute budget).
 *
 * <p>A waiting reader is woken once {@link #batch} lines wait to be written, or when every call not yet written is
 * such a line (no answer on its way would wake it later), and looks by itself every {@link #HOLD} at the latest, so
 * no line waits longer than that for slow calls to finish. A line not yet written keeps its permit, so however many
 * wait, the calls a crash would leave unrecorded (sent again on resume) stay within the concurrency. With 64 in
 * flight against a local server this took the lines per write from about 3 to about 11 and the reader's wake-ups
 * down with them.
 */
final class Slots {

    /** The longest a waiting reader leaves queued lines unwritten. */
    static final Duration HOLD = Duration.ofMillis(5);

    private final Semaphore permits;
    private final Runnable drain;
    /** The lines that wake a waiting reader: an eighth of the permits, from 1 to 16. */
    private final int batch;
    private final long holdNanos;
    private final AtomicLong wakes = new AtomicLong();
    private volatile Thread waiter;

    /** {@code drain} writes every queued line (of the output and errors files) not already being written. */
    Slots(int permits, Runnable drain) {
        this(permits, drain, HOLD);
    }

    /** As above, with a waiting reader looking by itself every {@code hold}. */
    Slots(int permits, Runnable drain, Duration hold) {
        this.permits = new Semaphore(permits);
        this.drain = drain;
        this.batch = Math.max(1, Math.min(16, permits / 8));
        this.holdNanos = hold.toNanos();
    }

    /**
     * Takes {@code n} permits, writing queued lines until they are free. Ignores interrupts, keeping the thread's
     * interrupt status for its caller.
     */
    void take(int n) {
        if (permits.tryAcquire(n)) {
            return;
        }
        boolean interrupted = false;
        waiter = Thread.currentThread();
        try {
            while (true) {
                drain.run();
                if (permits.tryAcquire(n)) {
                    return;
                }
                LockSupport.parkNanos(this, holdNanos);
                interrupted |= Thread.interrupted();
            }
        } finally {
            waiter = null;
            drain.run(); // lines queued by threads that saw the reader waiting until just now
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets one permit go, waking the reader if it waits for one. */
    void free() {
        permits.release();
        wake();
    }

    /**
     * Called after queuing a line, with the lines queued and not yet written ({@code queued}, this one included) and
     * the calls sent and not yet written ({@code unwritten}, in flight or queued): true when the reader waits and so
     * will write the line (it is woken when {@code queued} reaches {@link #batch} or {@code unwritten}), false when
     * the caller must write it itself.
     */
    boolean handedToWaiter(long queued, long unwritten) {
        Thread w = waiter;
        if (w == null) {
            return false;
        }
        if (queued >= batch || queued >= unwritten) {
            wake();
        }
        return true;
    }

    /** The lines that wake a waiting reader. */
    int batch() {
        return batch;
    }

    /** How many times a waiting reader was woken by another thread. */
    long wakes() {
        return wakes.get();
    }

    private void wake() {
        Thread w = waiter;
        if (w != null && w != Thread.currentThread()) { // the reader freeing permits of lines it wrote needs no waking
            wakes.incrementAndGet();
            LockSupport.unpark(w);
        }
    }
}
