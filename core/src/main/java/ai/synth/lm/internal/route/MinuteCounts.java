package ai.synth.lm.internal.route;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One deployment's successes and failures over the last 60 seconds, in one-second buckets, without locks: each
 * bucket holds its second and its count in one long, so a bucket left from a minute ago is replaced, not added to.
 */
final class MinuteCounts {

    private static final int SECONDS = 60;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    private final AtomicLongArray successes = new AtomicLongArray(SECONDS);
    private final AtomicLongArray failures = new AtomicLongArray(SECONDS);

    void success(Instant now) {
        add(successes, now.getEpochSecond());
    }

    void failure(Instant now) {
        add(failures, now.getEpochSecond());
    }

    /** The successes within the last 60 seconds. */
    int successes(Instant now) {
        return sum(successes, now.getEpochSecond());
    }

    /** The failures within the last 60 seconds. */
    int failures(Instant now) {
        return sum(failures, now.getEpochSecond());
    }

    private static void add(AtomicLongArray buckets, long second) {
        int i = (int) Math.floorMod(second, SECONDS);
        long stamp = second << COUNT_BITS;
        while (true) {
            long had = buckets.get(i);
            long next = (had & ~COUNT_MASK) == stamp ? Math.min(had + 1, stamp | COUNT_MASK) : stamp | 1;
            if (had == next || buckets.compareAndSet(i, had, next)) {
                return;
            }
        }
    }

    private static int sum(AtomicLongArray buckets, long second) {
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long v = buckets.get(i);
            long at = v >>> COUNT_BITS;
            if (v != 0 && at > second - SECONDS && at <= second) {
                total += v & COUNT_MASK;
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }
}
