package ai.synth.lm.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end-to-end loads, run inside one child JVM for one client: warm up for a while, then measure for a while.
 * Each returns its figures as a map (the child prints it as JSON).
 */
final class Loads {

    private Loads() {}

    /**
     * Calls one after another; the latency of each measured call. The warm-up calls for {@code warmupMs}, then up to
     * {@code settleMaxMs} more until the JIT is quiet ({@link JitSettle}), as the throughput scenarios do: a client
     * with more code on its path (a router, a tracing SDK) would otherwise pay for compiling it in the measured calls.
     */
    static Map<String, Object> latency(BenchClient client, long warmupMs, long settleMaxMs, long measureMs)
            throws InterruptedException {
        long settled = warmUpOnAThread(() -> callCounting(client, new Errors()), "bench-latency-warmup", warmupMs,
                settleMaxMs);
        Errors measured = new Errors();
        long[] samples = new long[1 << 16];
        int n = 0;
        long end = System.nanoTime() + measureMs * 1_000_000;
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            if (callCounting(client, measured)) {
                long took = System.nanoTime() - now;
                if (n == samples.length) {
                    samples = java.util.Arrays.copyOf(samples, n * 2);
                }
                samples[n++] = took;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", n);
        out.put("p50_us", Stats.percentile(samples, n, 50) / 1000.0);
        out.put("p99_us", Stats.percentile(samples, n, 99) / 1000.0);
        out.put("jit_settle_ms", settled);
        putErrors(out, measured);
        return out;
    }

    /**
     * Runs {@code step} over and over on a thread of its own for {@code warmupMs}, then until the JIT is quiet (at
     * most {@code settleMaxMs} more), and stops it once its step in progress ends. Returns the milliseconds the JIT
     * wait took.
     */
    private static long warmUpOnAThread(Runnable step, String name, long warmupMs, long settleMaxMs)
            throws InterruptedException {
        AtomicBoolean warming = new AtomicBoolean(true);
        Thread warmup = new Thread(() -> {
            while (warming.get()) {
                step.run();
            }
        }, name);
        warmup.start();
        Thread.sleep(warmupMs);
        long settled = JitSettle.await(settleMaxMs);
        warming.set(false);
        warmup.join();
        return settled;
    }

    private static boolean callCounting(BenchClient client, Errors errors) {
        try {
            client.call();
            return true;
        } catch (Throwable t) {
            errors.add(t);
            return false;
        }
    }

    /** {@code concurrency} threads each calling the sync face in a loop. */
    static Map<String, Object> throughputSync(BenchClient client, int concurrency, long warmupMs, JitSettle.Settle settle,
            long measureMs) throws InterruptedException {
        LongAdder ok = new LongAdder();
        Errors errors = new Errors();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    if (callCounting(client, errors)) {
                        ok.increment();
                    }
                }
            }, "bench-caller-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Map<String, Object> out = window(ok, errors, warmupMs, settle, measureMs);
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        return out;
    }

    /** The async face with {@code concurrency} calls kept in flight: each completion lets the next call start. */
    static Map<String, Object> throughputAsync(BenchClient client, int concurrency, long warmupMs, JitSettle.Settle settle,
            long measureMs) throws InterruptedException {
        LongAdder ok = new LongAdder();
        Errors errors = new Errors();
        Semaphore slots = new Semaphore(concurrency);
        AtomicBoolean stop = new AtomicBoolean();
        Thread driver = new Thread(() -> {
            while (!stop.get()) {
                try {
                    if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    client.callAsync().whenComplete((r, e) -> {
                        if (e == null) {
                            ok.increment();
                        } else {
                            errors.add(e);
                        }
                        slots.release();
                    });
                } catch (Throwable t) {
                    errors.add(t);
                    slots.release();
                }
            }
        }, "bench-driver");
        driver.setDaemon(true);
        driver.start();
        Map<String, Object> out = window(ok, errors, warmupMs, settle, measureMs);
        stop.set(true);
        driver.join(10_000);
        slots.tryAcquire(concurrency, 10, TimeUnit.SECONDS); // let the calls in flight finish
        return out;
    }

    /**
     * Counts completions in the measurement window that follows the warm-up: {@code warmupMs}, then up to
     * at least {@code settle.minMs()} and at most {@code settle.maxMs()} more until the JIT is quiet ({@link JitSettle}).
     */
    private static Map<String, Object> window(LongAdder ok, Errors errors, long warmupMs, JitSettle.Settle settle,
            long measureMs) throws InterruptedException {
        Thread.sleep(warmupMs);
        long settled = JitSettle.await(settle.minMs(), settle.maxMs());
        long okBefore = ok.sum();
        long errorsBefore = errors.count();
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        Thread.sleep(measureMs);
        // A client still cold at the end of a short (smoke) window gets up to 30 s more to finish one call, so
        // that a row with zero calls always means it could not make one.
        for (long wait = 0; ok.sum() == okBefore && wait < 30_000; wait += 10) {
            Thread.sleep(10);
        }
        long okAfter = ok.sum();
        long errorsAfter = errors.count();
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = processCpuNanos() - cpuBefore;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", okAfter - okBefore);
        out.put("calls_per_s", (okAfter - okBefore) / seconds);
        if (cpuBefore >= 0 && okAfter > okBefore) {
            // the client's own CPU per call (every thread of its JVM, GC included): what load on a shared machine
            // moves far less than calls/s
            out.put("cpu_us_per_call", cpu / 1e3 / (okAfter - okBefore));
        }
        out.put("errors", errorsAfter - errorsBefore);
        out.put("errors_total", errors.count());
        out.put("jit_settle_ms", settled);
        out.put("error_kinds", errors.kinds());
        return out;
    }

    /** The CPU time of this JVM so far, or -1 when the platform does not say. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * Streams one after another, each read to the end; content chunks per second. The warm-up streams for
     * {@code warmupMs}, then up to {@code settleMaxMs} more until the JIT is quiet ({@link JitSettle}), as the
     * throughput scenarios do.
     */
    static Map<String, Object> streaming(BenchClient client, long warmupMs, long settleMaxMs, long measureMs)
            throws InterruptedException {
        long settled = warmUpOnAThread(() -> streamCounting(client, new Errors()), "bench-stream-warmup", warmupMs,
                settleMaxMs);
        Errors errors = new Errors();
        long chunks = 0;
        int streams = 0;
        long start = System.nanoTime();
        long end = start + measureMs * 1_000_000;
        while (System.nanoTime() < end) {
            int n = streamCounting(client, errors);
            chunks += n;
            streams += n > 0 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("streams", streams);
        out.put("chunks", chunks);
        out.put("chunks_per_s", chunks / seconds);
        out.put("jit_settle_ms", settled);
        putErrors(out, errors);
        return out;
    }

    private static int streamCounting(BenchClient client, Errors errors) {
        try {
            int n = client.stream();
            if (n != Fixtures.STREAM_CHUNKS) {
                errors.add("short stream: " + n + " of " + Fixtures.STREAM_CHUNKS + " chunks");
            }
            return n;
        } catch (Throwable t) {
            errors.add(t);
            return 0;
        }
    }

    static void putErrors(Map<String, Object> out, Errors errors) {
        out.put("errors", errors.count());
        out.put("error_kinds", errors.kinds());
    }

    /** Waits for a latch without an interrupt escaping. */
    static boolean await(CountDownLatch latch, long nanos) {
        try {
            return latch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
