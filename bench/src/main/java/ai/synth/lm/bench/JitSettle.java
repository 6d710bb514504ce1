package ai.synth.lm.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * The end of a throughput warm-up: waits until the JIT compilers are quiet, so that the measured window runs compiled
 * code instead of paying for its compilation. On a 2-core machine a 2-second warm-up leaves C1 and C2 busy for a
 * third to a half of the next 4 seconds' CPU at 64 calls in flight, and a client with more code on its path (a
 * tracing SDK, a router) pays for more of it: what its row then shows is the JIT's work, not its cost per call.
 */
final class JitSettle {

    /** How often the compilation time is read. */
    static final long STEP_MS = 500;
    /** A step is quiet when the JIT compiled for less than this share of it. */
    static final double QUIET_SHARE = 0.05;
    /** The JIT is quiet after this many quiet steps in a row (a lone quiet step is often a pause between bursts). */
    static final int QUIET_STEPS = 4;

    private JitSettle() {}

    /**
     * A warm-up's wait for the JIT: at least {@code minMs}, at most {@code maxMs}.
     *
     * @param minMs the least wait, however quiet the JIT looks
     * @param maxMs the most wait (0: none)
     */
    record Settle(long minMs, long maxMs) {
        /** From a child's parameters {@code jit_settle_min_ms} and {@code jit_settle_max_ms} (each 0 when absent). */
        static Settle of(java.util.Map<String, String> params) {
            return new Settle(Long.parseLong(params.getOrDefault("jit_settle_min_ms", "0")),
                    Long.parseLong(params.getOrDefault("jit_settle_max_ms", "0")));
        }
    }

    /**
     * Waits, {@value #STEP_MS} ms at a time, until {@value #QUIET_STEPS} steps in a row each saw less than
     * {@value #QUIET_SHARE} of their time spent compiling, or {@code maxMs} passed. Returns the milliseconds waited; 0
     * at once when {@code maxMs} is 0 or the JVM does not report compilation time.
     */
    static long await(long maxMs) throws InterruptedException {
        return await(0, maxMs);
    }

    /**
     * As {@link #await(long)}, waiting at least {@code minMs} however quiet the JIT looks. At 64 calls in flight on
     * this 2-core machine, synth-lm ran at a third of its later rate for its first 6 to 12 s (calls per second and CPU
     * per call read every second), while the compilers reported under 5 % of some of those seconds: the quiet steps
     * alone ended some warm-ups inside that phase, and those rounds measured a third of the rate of the others. Part
     * of that phase is compilation, part the first pass through a heap not yet touched (see the full run's
     * {@code -XX:+AlwaysPreTouch} in {@link Orchestrator}).
     */
    static long await(long minMs, long maxMs) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (maxMs <= 0 || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long start = System.nanoTime();
        long compiled = jit.getTotalCompilationTime();
        long waited = 0;
        int quiet = 0;
        while (waited < maxMs) {
            Thread.sleep(Math.min(STEP_MS, maxMs - waited));
            long now = jit.getTotalCompilationTime();
            waited = (System.nanoTime() - start) / 1_000_000;
            quiet = now - compiled < QUIET_SHARE * STEP_MS ? quiet + 1 : 0;
            if (quiet >= QUIET_STEPS && waited >= minMs) {
                break;
            }
            compiled = now;
        }
        return waited;
    }
}
