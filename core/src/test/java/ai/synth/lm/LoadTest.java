package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load and leaks (issue 5): many calls through the async face at concurrency 512 against one local backend with 5%
 * scripted faults, then checks that nothing is left behind. {@code -Dload.calls=20000} runs the full form; the
 * default of 2,000 keeps {@code mvn verify} short. The figures are printed to standard output.
 */
@Tag("load")
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoadTest {

    private static final String KEY = "sk-load-3e8f";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest HELLO =
            ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hello!")));
    private static final int CONCURRENCY = 512;
    private static final Duration CALL_BOUND = Duration.ofSeconds(60);

    private final Jvm threads = new Jvm();
    private PrintStream stderr;
    private LocalBackend backend;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        stderr = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream())); // a DEBUG line per attempt: not 20,000 here
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(2).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
        System.setErr(stderr);
        Warmer.clearCache();
    }

    private SynthConfig.Builder config(Scheduler scheduler) {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of()).scheduler(scheduler);
    }

    @Test
    void manyCallsUnderScriptedFaultsEachEndTypedAndLeaveNothingBehind() throws Exception {
        int calls = Integer.getInteger("load.calls", 2_000);
        gc();
        int baselineThreads = threads.getThreadCount();
        threads.resetPeakThreadCount();
        long started = System.nanoTime();

        SynthProvider provider = new SynthProvider(config(new RecordingScheduler()).build());
        HttpEngine engine = provider.engine;
        ClientThreads sampler = new ClientThreads(backend.port());
        Map<String, Integer> outcomes = run(provider, calls);
        long millis = (System.nanoTime() - started) / 1_000_000;
        int peakThreads = threads.getPeakThreadCount();
        int peakClientThreads = sampler.stop();
        report("threads not the backend's at their peak, by name: " + sampler.names);
        int openConnections = connectionsTo(backend.port());

        provider.close();
        assertThat(engine.inFlightCount()).as("attempts in flight after close").isZero();
        assertThat(engine.timers().awaitTermination(5, TimeUnit.SECONDS)).as("timer executor terminated").isTrue();
        assertThat(engine.timers().getQueue()).as("scheduled timeouts after close").isEmpty();
        provider = null;
        engine = null;
        // On JDK 17 the HTTP client has no shutdown: its selector thread and pooled connections end once it is
        // unreachable. Checked, with a bound, not assumed.
        long leftConnections = awaitOrLast(Duration.ofSeconds(30), () -> connectionsTo(backend.port()) <= 0,
                () -> connectionsTo(backend.port()));
        long leftThreads = awaitOrLast(Duration.ofSeconds(30), () -> threads.getThreadCount() - backendThreads()
                <= baselineThreads + 2, () -> threads.getThreadCount() - backendThreads() - baselineThreads);
        long heapMiB = usedHeapAfterGc() >> 20;

        report(String.format(Locale.ROOT, "load: %d calls at concurrency %d in %d ms (%.0f calls/s), outcomes %s, "
                + "%d backend requests, peak threads %d (baseline %d, backend's included; %d not the backend's, sampled), "
                + "%d connections open at the end of the run, after close: %d connections, %d threads over baseline, "
                + "used heap after GC %d MiB",
                calls, CONCURRENCY, millis, calls * 1000.0 / Math.max(1, millis), outcomes,
                backend.requestCount("/v1/chat/completions"), peakThreads, baselineThreads, peakClientThreads,
                openConnections,
                leftConnections, leftThreads, heapMiB));
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(calls);
        assertThat(outcomes).containsKey("ok").doesNotContainKeys("hung", "untyped");
        assertThat(outcomes.getOrDefault("ok", 0)).isGreaterThan(calls * 9 / 10);
        // The HTTP client's workers are bounded by the engine. Beside them the JDK 17 client hands each finished
        // exchange to CompletableFuture's default async pool, which with fewer than 3 cores is a new short-lived
        // thread per task ("Thread-N"): not the library's to bound, so only a generous overall bound here.
        long workers = sampler.names.entrySet().stream().filter(e -> e.getKey().startsWith("synth-lm-http-")
                || e.getKey().startsWith("HttpClient-N-Worker")).mapToLong(Map.Entry::getValue).sum();
        assertThat(workers).as("HTTP worker threads at the peak").isLessThanOrEqualTo(
                Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
        assertThat(peakClientThreads).as("peak threads not the backend's").isLessThan(baselineThreads + 256);
        assertThat(peakThreads).as("peak threads").isLessThan(baselineThreads + 256 + CONCURRENCY + 64);
        assertThat(leftConnections).as("connections left after close").isZero();
        assertThat(leftThreads).as("threads left after close").isLessThanOrEqualTo(2);
        assertThat(heapMiB).as("used heap after GC, MiB").isLessThan(256);
    }

    /** Makes the calls, at most 512 at once; a fault before every 20th call. Counts outcomes by type. */
    private Map<String, Integer> run(SynthProvider provider, int calls) throws InterruptedException {
        Fault[] faults = {Fault.rateLimited(), Fault.status(503), Fault.disconnectBeforeHeaders(),
                Fault.disconnectMidBody(), Fault.malformedJson()};
        Semaphore slots = new Semaphore(CONCURRENCY);
        List<CompletableFuture<ChatCompletion>> futures = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            if (i % 20 == 0) {
                backend.enqueue(faults[(i / 20) % faults.length]);
            }
            assertThat(slots.tryAcquire(CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).as("a free slot within 60 s").isTrue();
            CompletableFuture<ChatCompletion> call = provider.createChatCompletionAsync(HELLO);
            call.whenComplete((r, e) -> slots.release());
            futures.add(call);
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + CALL_BOUND.toNanos();
        for (CompletableFuture<ChatCompletion> call : futures) {
            outcomes.merge(outcome(call, deadline), 1, Integer::sum);
        }
        return outcomes;
    }

    private static String outcome(CompletableFuture<ChatCompletion> call, long deadline) throws InterruptedException {
        try {
            return call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).content().contains("Hello!")
                    ? "ok" : "wrong content";
        } catch (TimeoutException e) {
            return "hung";
        } catch (ExecutionException e) {
            return e.getCause() instanceof SynthLMException typed ? typed.getClass().getSimpleName() : "untyped";
        }
    }

    @Test
    void twoHundredConcurrentWarmupsOfTenModelsSendOneStartRequestPerModel() throws Exception {
        ManualScheduler polls = new ManualScheduler();
        try (SynthProvider provider = new SynthProvider(config(polls).build())) {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<WarmupResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String model = "org/model-" + (i % 10);
                results.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return provider.warmupAsync(model, WarmupOptions.defaults());
                }, callers).thenCompose(f -> f));
            }
            go.countDown();
            polls.awaitPending(10); // every flight is now between status checks, the callers joining them
            polls.releaseAllUntilDone(CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])));
            callers.shutdown();

            assertThat(results).allSatisfy(r -> assertThat(r.get(10, TimeUnit.SECONDS).warm()).isTrue());
            for (int m = 0; m < 10; m++) {
                assertThat(backend.requestCount("/warmup/org/model-" + m)).as("start requests of model-" + m).isEqualTo(1);
                assertThat(backend.requestCount("/warmup/status/org/model-" + m)).isEqualTo(2);
            }
            assertThat(backend.requestCount("/warmup/")).isEqualTo(10 + 20);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closingWhileAHundredCallsAreInFlightEndsEachFast() throws Exception {
        ManualScheduler waits = new ManualScheduler();
        SynthProvider provider = new SynthProvider(config(waits).build());
        for (int i = 0; i < 100; i++) {
            backend.enqueue(i % 4 == 0 ? Fault.status(503) : i % 4 == 1 ? Fault.bodyStall() : Fault.slowHeaders(Duration.ofSeconds(60)));
        }
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(provider.createChatCompletionAsync(HELLO));
        }
        awaitOrLast(Duration.ofSeconds(10), () -> backend.requestCount("/v1/chat/completions") >= 100, () -> 0);
        waits.awaitPending(25); // the 503s wait to be retried, the others wait for an answer that does not come

        long closed = System.nanoTime();
        provider.close();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<ChatCompletion> call : calls) {
            outcomes.merge(outcome(call, closed + TimeUnit.SECONDS.toNanos(5)), 1, Integer::sum);
        }
        long millis = (System.nanoTime() - closed) / 1_000_000;
        report("close with 100 calls in flight: " + outcomes + " within " + millis + " ms of close()");

        assertThat(outcomes).isEqualTo(Map.of("ConnectionException", 100));
        assertThat(calls).allSatisfy(c -> assertThatThrownBy(c::join).hasCauseInstanceOf(ConnectionException.class)
                .hasMessageContaining("closed while the call was in flight"));
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void closingDuringAWarmupEndsItAndLeavesNoFlightBehind() throws Exception {
        ManualScheduler polls = new ManualScheduler();
        SynthProvider provider = new SynthProvider(config(polls).build());
        CompletableFuture<WarmupResult> warmup = provider.warmupAsync(MODEL, WarmupOptions.defaults());
        polls.awaitPending(1); // between two status checks

        provider.close();
        polls.releaseAllUntilDone(warmup);

        WarmupResult result = warmup.get(5, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.REJECTED);
        assertThat(result.error()).contains("closed");
        try (SynthProvider next = new SynthProvider(config(new RecordingScheduler()).build())) {
            assertThat(next.warmupAsync(MODEL, WarmupOptions.defaults()).get(5, TimeUnit.SECONDS).warm()).isTrue();
        }
    }

    // ---- measuring

    private void report(String line) {
        System.out.println(line);
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long usedHeapAfterGc() {
        gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    /** Live threads of the backend (it is in this JVM, but not under test). */
    private int backendThreads() {
        String prefix = "synth-lm-local-backend-" + backend.port() + "-";
        return (int) liveThreads().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    /** Every live thread, from the root thread group: cheaper than stack traces of hundreds of threads. */
    private static List<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(all, true);
        return java.util.Arrays.asList(all).subList(0, n);
    }

    /** Samples, every 50 ms, how many live threads are not the backend's: the library's and the HTTP client's. */
    private static final class ClientThreads {
        private final String backendPrefix;
        private final Thread sampler;
        private volatile boolean running = true;
        private volatile int peak;
        volatile Map<String, Long> names = Map.of();

        ClientThreads(int backendPort) {
            backendPrefix = "synth-lm-local-backend-" + backendPort + "-";
            sampler = new Thread(this::sample, "load-test-thread-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (running) {
                List<Thread> mine = liveThreads().stream().filter(t -> !t.getName().startsWith(backendPrefix)).toList();
                if (mine.size() > peak) {
                    peak = mine.size();
                    names = new TreeMap<>(mine.stream().collect(java.util.stream.Collectors.groupingBy(
                            t -> t.getName().replaceAll("[0-9]+", "N"), java.util.stream.Collectors.counting())));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int stop() throws InterruptedException {
            running = false;
            sampler.join();
            return peak;
        }
    }

    /** Waits (collecting garbage) until {@code done}, at most {@code bound}; returns the last measure. */
    private static long awaitOrLast(Duration bound, BooleanSupplier done, java.util.function.LongSupplier measure)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50); // a bounded wait for other threads to end; nothing under test sleeps
        }
        return done.getAsBoolean() ? 0 : measure.getAsLong();
    }

    /** Established TCP connections from this machine to the port (Linux: /proc/net/tcp), or -1 if unknown. */
    private static int connectionsTo(int port) {
        String remotePort = String.format(Locale.ROOT, ":%04X", port);
        int count = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[2].endsWith(remotePort) && f[3].equals("01")) {
                        count++;
                    }
                }
            } catch (IOException e) {
                return -1;
            }
        }
        return count;
    }

    /**
     * The JVM's thread counts from its ThreadMXBean, called reflectively: the tests run in the library's module,
     * which does not read java.management, and core reflection needs no readability.
     */
    private static final class Jvm {
        private final Object bean;

        Jvm() {
            try {
                bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("no ThreadMXBean", e);
            }
        }

        int getThreadCount() {
            return (int) call("getThreadCount");
        }

        int getPeakThreadCount() {
            return (int) call("getPeakThreadCount");
        }

        void resetPeakThreadCount() {
            call("resetPeakThreadCount");
        }

        private Object call(String method) {
            try {
                return Class.forName("java.lang.management.ThreadMXBean").getMethod(method).invoke(bean);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(method, e);
            }
        }
    }
}
