package ai.synth.lm.internal.batch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A job's in-flight permits, taken by its reader thread alone, and the waiting reader's part in writing results.
 * While the reader waits for a permit it writes the result lines queued since it last looked (each line written lets
 * its permit go), so the results that arrive while it waits go to the operating system in one write when it wakes,
 * instead of one write each from the threads that made them. A thread that queued a line asks
 * {@link #handedToWaiter()}: when the reader waits, it is woken and writes the line; otherwise the caller writes it
 * at once, so a line never waits for a reader that is busy elsewhere (reading its input, or held by the minute
 * budget).
 */
final class Slots {

    private final Semaphore permits;
    private final Runnable drain;
    private volatile Thread waiter;

    /** {@code drain} writes every queued line (of the output and errors files) not already being written. */
    Slots(int permits, Runnable drain) {
        this.permits = new Semaphore(permits);
        this.drain = drain;
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
                LockSupport.park(this);
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
     * Called after queuing a line: true when the reader waits and so will write it (it is woken), false when the
     * caller must write it itself.
     */
    boolean handedToWaiter() {
        return wake();
    }

    private boolean wake() {
        Thread w = waiter;
        if (w == null) {
            return false;
        }
        if (w != Thread.currentThread()) { // the reader freeing the permits of lines it wrote needs no waking
            LockSupport.unpark(w);
        }
        return true;
    }
}
