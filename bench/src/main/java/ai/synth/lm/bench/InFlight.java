package ai.synth.lm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many calls at once through the async face against the 2-second endpoint: how long until all are done, and the
 * most platform threads and heap it took. A time cap stops a client that cannot keep them all in flight; what it
 * finished by then is reported.
 */
final class InFlight {

    private InFlight() {}

    static Map<String, Object> run(BenchClient client, int calls, int warmupCalls, long capMs) {
        if (warmupCalls > 0) { // loads the client's classes and opens its first connections
            CompletableFuture<?>[] warm = new CompletableFuture<?>[warmupCalls];
            for (int i = 0; i < warmupCalls; i++) {
                warm[i] = client.callAsync();
            }
            CompletableFuture.allOf(warm).exceptionally(e -> null).join();
        }
        Watch watch = new Watch();

        LongAdder ok = new LongAdder();
        Errors errors = new Errors();
        AtomicLong lastDone = new AtomicLong();
        CountDownLatch done = new CountDownLatch(calls);
        long start = System.nanoTime();
        long deadline = start + capMs * 1_000_000;
        int submitted = 0;
        for (; submitted < calls && System.nanoTime() < deadline; submitted++) {
            try {
                client.callAsync().whenComplete((r, e) -> {
                    if (e == null) {
                        ok.increment();
                    } else {
                        errors.add(e);
                    }
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                    done.countDown();
                });
            } catch (Throwable t) {
                errors.add(t);
                lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                done.countDown();
            }
        }
        long submitNanos = System.nanoTime() - start;
        boolean all = Loads.await(done, deadline - System.nanoTime());
        return result(watch, calls, submitted, ok.sum(), errors, all, start, submitNanos, lastDone.get(), capMs);
    }

    /**
     * The figures of one run, the same for every row: {@code all} says whether every call finished before the cap,
     * {@code start}, {@code lastDone} are {@link System#nanoTime()} readings. Stops the watch.
     */
    static Map<String, Object> result(Watch watch, int calls, int submitted, long ok, Errors errors, boolean all,
            long start, long submitNanos, long lastDone, long capMs) {
        long finished = ok + errors.count();
        int peakThreads = watch.threads.getPeakThreadCount();
        watch.sampler.interrupt();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls);
        out.put("submitted", submitted);
        out.put("completed", ok);
        out.put("all_done", all && errors.count() == 0);
        out.put("seconds", all ? (lastDone - start) / 1e9 : capMs / 1000.0);
        out.put("submit_ms", submitNanos / 1e6);
        out.put("cap_s", capMs / 1000.0);
        out.put("unfinished", calls - finished);
        out.put("peak_threads", peakThreads);
        out.put("baseline_threads", watch.baselineThreads);
        out.put("peak_heap_mib", watch.peakHeap.get() / (1024.0 * 1024.0));
        out.put("max_heap_mib", watch.memory.getHeapMemoryUsage().getMax() / (1024.0 * 1024.0));
        Loads.putErrors(out, errors);
        return out;
    }

    /** Started just before the calls: the live threads then, the peak from then on, heap in use sampled every 5 ms. */
    static final class Watch {

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final AtomicLong peakHeap = new AtomicLong();
        final Thread sampler;
        final int baselineThreads;

        Watch() {
            sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            baselineThreads = threads.getThreadCount();
            threads.resetPeakThreadCount();
        }
    }
}
