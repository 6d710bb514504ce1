package ai.synth.lm.testserver;

import java.time.Duration;

/** Real-time waits for the simulated delays; interruptible, so closing the backend ends them. */
final class Pause {

    private Pause() {
    }

    /** Returns the duration of a configured wait, or fails naming the setting if it is negative. */
    static Duration requireNotNegative(Duration duration, String name) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
        return duration;
    }

    /** Sleeps for the duration; zero or negative returns at once, and an enormous one just waits very long. */
    static void sleep(Duration duration) throws InterruptedException {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException tooLong) {
            millis = Long.MAX_VALUE;
        }
        Thread.sleep(millis, duration.toNanosPart() % 1_000_000);
    }
}
