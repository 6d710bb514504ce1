package ai.synth.lm.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The deadlines of the attempts in flight, checked by one ticking task instead of a timer per attempt: scheduling
 * and cancelling a timer for every call woke the timer thread twice per call, which on two cores cost more than the
 * rest of the client. The tick is a twentieth of the request timeout (5 to 250 ms), so a timeout fires at most that
 * late; it runs only while something is in flight.
 */
final class Deadlines {

    /** One attempt's deadline and what ends it. */
    static final class Entry {
        final long deadlineNanos;
        final Runnable onExpire;
        final Runnable onClose;

        Entry(long deadlineNanos, Runnable onExpire, Runnable onClose) {
            this.deadlineNanos = deadlineNanos;
            this.onExpire = onExpire;
            this.onClose = onClose;
        }
    }

    private final ScheduledExecutorService timers;
    private final long tickNanos;
    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();

    Deadlines(ScheduledExecutorService timers, Duration timeout) {
        this.timers = timers;
        long tick = Math.min(timeout.toNanos(), Duration.ofSeconds(30).toNanos()) / 20;
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(tick, TimeUnit.MILLISECONDS.toNanos(250)));
    }

    /** Tracks an attempt: {@code onExpire} runs once its timeout passed, {@code onClose} if the engine closes first. */
    Entry add(Duration timeout, Runnable onExpire, Runnable onClose) {
        Entry e = new Entry(System.nanoTime() + timeout.toNanos(), onExpire, onClose);
        entries.add(e);
        if (ticking.compareAndSet(false, true)) {
            schedule();
        }
        return e;
    }

    /** The attempt ended: forget it. */
    void remove(Entry e) {
        entries.remove(e);
    }

    /** How many attempts are tracked. */
    int size() {
        return entries.size();
    }

    /** Ends every tracked attempt with its {@code onClose}. */
    void closeAll() {
        for (Entry e : entries) {
            if (entries.remove(e)) {
                e.onClose.run();
            }
        }
    }

    private void schedule() {
        try {
            timers.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            ticking.set(false); // the engine closed: closeAll() ends what is left
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Entry e : entries) {
            if (now - e.deadlineNanos >= 0 && entries.remove(e)) {
                e.onExpire.run();
            }
        }
        ticking.set(false);
        // An attempt added after the loop but before the flag fell finds ticking still set and starts nothing:
        // look again, so it is never left without a tick.
        if (!entries.isEmpty() && ticking.compareAndSet(false, true)) {
            schedule();
        }
    }
}
