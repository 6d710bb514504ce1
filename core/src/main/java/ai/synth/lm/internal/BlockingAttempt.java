package ai.synth.lm.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of one attempt of {@link HttpEngine}'s synchronous face, shared with whoever ends it early (its
 * deadline, or the engine closing): the transport's abort action when it has one, else an interrupt of the caller,
 * which the caller waits for and clears before it leaves.
 */
final class BlockingAttempt {
    private static final int RUNNING = 0, DONE = 1, INTERRUPTING = 2, INTERRUPTED = 3;
    private final Thread caller;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicReference<Runnable> abort = new AtomicReference<>();
    final AtomicReference<RuntimeException> ended = new AtomicReference<>();

    BlockingAttempt(Thread caller) {
        this.caller = caller;
    }

    /** The transport's way to end the exchange; run at once if the attempt already ended. */
    void onAbort(Runnable action) {
        abort.set(action);
        if (ended.get() != null) {
            action.run();
        }
    }

    /** Ends the attempt with {@code cause}: runs the transport's abort action, or else interrupts the caller. */
    void end(RuntimeException cause) {
        if (!ended.compareAndSet(null, cause)) {
            return;
        }
        Runnable action = abort.get();
        if (action != null) {
            action.run();
        } else if (state.compareAndSet(RUNNING, INTERRUPTING)) {
            caller.interrupt();
            state.set(INTERRUPTED);
        }
    }

    /** On the caller's thread, leaving: an interrupt this attempt sent is waited for and cleared. */
    void finish() {
        if (!state.compareAndSet(RUNNING, DONE)) {
            while (state.get() != INTERRUPTED) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
        }
    }
}
