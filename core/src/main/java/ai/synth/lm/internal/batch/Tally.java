package ai.synth.lm.internal.batch;

import ai.synth.lm.BatchSummary;
import ai.synth.lm.Usage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A job's counters, updated from many threads. */
final class Tally {

    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();

    void success(Usage usage) {
        if (usage != null) {
            promptTokens.addAndGet(usage.promptTokens());
            completionTokens.addAndGet(usage.completionTokens());
        }
        succeeded.incrementAndGet();
    }

    void failure(String code) {
        failures.computeIfAbsent(code, k -> new LongAdder()).increment();
        failed.incrementAndGet();
    }

    BatchSummary snapshot(Duration wallTime, boolean finished, boolean cancelled) {
        Map<String, Long> byType = new HashMap<>();
        failures.forEach((code, n) -> byType.put(code, n.sum()));
        return new BatchSummary(succeeded.get(), failed.get(), skipped.get(), inFlight.get(), promptTokens.get(),
                completionTokens.get(), wallTime, byType, finished, cancelled);
    }
}
