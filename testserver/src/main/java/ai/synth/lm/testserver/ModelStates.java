package ai.synth.lm.testserver;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The simulated warm state of each model: cold, warming, warmed or failed. Warming ends after the cold-start
 * time, or, when {@code warmAfterPolls > 0}, on the N-th status poll. Thread-safe.
 */
final class ModelStates {

    enum Phase { COLD, WARMING, WARMED, FAILED }

    private static final class Entry {
        Phase phase = Phase.COLD;
        long startedNanos;
        int polls;
        String error;
    }

    private final Duration coldStart;
    private final int warmAfterPolls;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> entries = new HashMap<>();

    ModelStates(Duration coldStart, int warmAfterPolls, LongSupplier nanoTime) {
        this.coldStart = coldStart;
        this.warmAfterPolls = warmAfterPolls;
        this.nanoTime = nanoTime;
    }

    /** Handles {@code POST /warmup/{model}}; returns the status word to answer. */
    synchronized String startWarmup(String model) {
        Entry entry = current(model);
        switch (entry.phase) {
            case COLD:
                beginWarming(entry);
                return "warming";
            case WARMING:
                return "already_warming";
            case WARMED:
                return "already_warmed";
            default:
                return "warming"; // a failed model "starts" again; its status keeps reporting the failure
        }
    }

    /** What the status endpoint reports: {@code cold}, {@code warming}, {@code warmed} or {@code failed}. */
    record Status(String status, String error) {
    }

    /** Handles {@code GET /warmup/status/{model}}: counts the poll and returns the status to report. */
    synchronized Status poll(String model) {
        Entry entry = current(model);
        if (entry.phase == Phase.WARMING && warmAfterPolls > 0 && ++entry.polls >= warmAfterPolls) {
            entry.phase = Phase.WARMED;
        }
        return new Status(entry.phase.name().toLowerCase(Locale.ROOT), entry.error);
    }

    /**
     * Before a chat request: a cold or warming model waits out the rest of its cold start (real time), then
     * is warm. A failed model is left as it is: the failure concerns the warmup endpoints only.
     */
    void awaitWarm(String model) throws InterruptedException {
        Duration wait;
        synchronized (this) {
            Entry entry = current(model);
            if (entry.phase == Phase.WARMED || entry.phase == Phase.FAILED) {
                return;
            }
            if (entry.phase == Phase.COLD) {
                beginWarming(entry);
            }
            wait = warmAfterPolls > 0 ? Duration.ZERO : coldStart.minus(elapsed(entry));
        }
        Pause.sleep(wait);
        synchronized (this) {
            Entry entry = current(model);
            if (entry.phase == Phase.WARMING) {
                entry.phase = Phase.WARMED;
            }
        }
    }

    synchronized boolean isWarm(String model) {
        return current(model).phase == Phase.WARMED;
    }

    synchronized void setWarm(String model, boolean warm) {
        Entry entry = new Entry();
        entry.phase = warm ? Phase.WARMED : Phase.COLD;
        entries.put(model, entry);
    }

    synchronized void fail(String model, String error) {
        Entry entry = new Entry();
        entry.phase = Phase.FAILED;
        entry.error = error;
        entries.put(model, entry);
    }

    private void beginWarming(Entry entry) {
        entry.phase = Phase.WARMING;
        entry.startedNanos = nanoTime.getAsLong();
        entry.polls = 0;
    }

    /** The entry with time-based warming brought up to date. */
    private Entry current(String model) {
        Entry entry = entries.computeIfAbsent(model, m -> new Entry());
        boolean timeBased = warmAfterPolls == 0;
        if (entry.phase == Phase.WARMING && timeBased && elapsed(entry).compareTo(coldStart) >= 0) {
            entry.phase = Phase.WARMED;
        }
        return entry;
    }

    private Duration elapsed(Entry entry) {
        return Duration.ofNanos(nanoTime.getAsLong() - entry.startedNanos);
    }
}
