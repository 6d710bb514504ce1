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
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        if (warmupCalls > 0) { // loads the client's classes and opens its first connections
            CompletableFuture<?>[] warm = new CompletableFuture<?>[warmupCalls];
            for (int i = 0; i < warmupCalls; i++) {
                warm[i] = client.callAsync();
            }
            CompletableFuture.allOf(warm).exceptionally(e -> null).join();
        }
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
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
        int baselineThreads = threads.getThreadCount();
        threads.resetPeakThreadCount();

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
        long finished = ok.sum() + errors.count();
        int peakThreads = threads.getPeakThreadCount();
        sampler.interrupt();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls);
        out.put("submitted", submitted);
        out.put("completed", ok.sum());
        out.put("all_done", all && errors.count() == 0);
        out.put("seconds", all ? (lastDone.get() - start) / 1e9 : capMs / 1000.0);
        out.put("submit_ms", submitNanos / 1e6);
        out.put("cap_s", capMs / 1000.0);
        out.put("unfinished", calls - finished);
        out.put("peak_threads", peakThreads);
        out.put("baseline_threads", baselineThreads);
        out.put("peak_heap_mib", peakHeap.get() / (1024.0 * 1024.0));
        out.put("max_heap_mib", memory.getHeapMemoryUsage().getMax() / (1024.0 * 1024.0));
        Loads.putErrors(out, errors);
        return out;
    }
}
