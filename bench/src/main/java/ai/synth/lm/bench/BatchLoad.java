package ai.synth.lm.bench;

import ai.synth.lm.BatchRunner;
import ai.synth.lm.BatchSummary;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The batch scenario, over plain http: the same requests run by synth-lm's {@link BatchRunner} from a JSONL file to
 * a result file (row {@value #RUNNER}), and by a hand-written loop over the async face of row synth-lm that keeps as
 * many in flight and writes nothing (row synth-lm). Each warms up on its own requests first, then on rounds of
 * {@value #SETTLE_ROUND} more until a round compiled for less than {@link JitSettle#QUIET_SHARE} of its time (the
 * same rule for both rows), then runs the measured ones start to end.
 */
final class BatchLoad {

    /** The row of the batch runner. */
    static final String RUNNER = "synth-lm-batch";

    /** The calls of one warm-up round after the first warm-up, while the JIT is still busy. */
    static final int SETTLE_ROUND = 10_000;

    private BatchLoad() {}

    /** One warm-up round. */
    private interface Round {
        void run() throws Exception;
    }

    /**
     * Runs {@code round} again while the last one compiled for at least {@link JitSettle#QUIET_SHARE} of its wall
     * time or less than {@code settle.minMs()} passed, until {@code settle.maxMs()} passed; returns the milliseconds
     * spent. On a shared 2-core machine 30,000 warm-up
     * calls left the JIT compiling for 1 to 7 s of the measured run's CPU, charged to whichever row had more code
     * still to compile.
     */
    private static long settle(JitSettle.Settle settle, Round round) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (settle.maxMs() <= 0 || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long start = System.nanoTime();
        long spent;
        double share;
        do {
            long compiled = jit.getTotalCompilationTime();
            long roundStart = System.nanoTime();
            round.run();
            share = (jit.getTotalCompilationTime() - compiled) / ((System.nanoTime() - roundStart) / 1e6);
            spent = (System.nanoTime() - start) / 1_000_000;
        } while ((share >= JitSettle.QUIET_SHARE || spent < settle.minMs()) && spent < settle.maxMs());
        return spent;
    }

    /** The hand-written loop: {@code calls} calls on the async face, at most {@code concurrency} in flight. */
    static Map<String, Object> loop(BenchClient client, int warmup, JitSettle.Settle settle, int calls, int concurrency)
            throws Exception {
        loop(client, warmup, concurrency, new Errors());
        long settled = settle(settle, () -> loop(client, SETTLE_ROUND, concurrency, new Errors()));
        Errors errors = new Errors();
        long cpu = Loads.processCpuNanos();
        long start = System.nanoTime();
        long ok = loop(client, calls, concurrency, errors);
        double seconds = (System.nanoTime() - start) / 1e9;
        return figures(ok, seconds, Loads.processCpuNanos() - cpu, settled, errors.count(), errors.kinds());
    }

    private static long loop(BenchClient client, int n, int concurrency, Errors errors) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(n);
        LongAdder ok = new LongAdder();
        for (int i = 0; i < n; i++) {
            slots.acquire();
            try {
                client.callAsync().whenComplete((r, e) -> {
                    if (e == null) {
                        ok.increment();
                    } else {
                        errors.add(e);
                    }
                    slots.release();
                    done.countDown();
                });
            } catch (Throwable t) {
                errors.add(t);
                slots.release();
                done.countDown();
            }
        }
        done.await();
        return ok.sum();
    }

    /**
     * The runner over the provider row synth-lm uses (library defaults), results to a file in a temp directory;
     * then, on the side, the cost of its durable output alone: the measured run's result lines appended again to a
     * new file one write to the operating system per line (the most the runner makes: it hands lines that finish
     * together to the system in one write).
     */
    static Map<String, Object> runner(String baseUrl, int warmup, JitSettle.Settle settle, int calls, int concurrency)
            throws Exception {
        Path dir = Files.createTempDirectory("synth-lm-bench-batch");
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl)
                .apiKey("bench-key").environment(Map.of()).build())) {
            run(provider, input(dir.resolve("warmup.jsonl"), warmup), dir.resolve("warmup-out.jsonl"), concurrency);
            Path round = input(dir.resolve("settle.jsonl"), SETTLE_ROUND);
            Path roundOut = dir.resolve("settle-out.jsonl");
            long settled = settle(settle, () -> {
                Files.deleteIfExists(roundOut);
                run(provider, round, roundOut, concurrency);
            });
            Path in = input(dir.resolve("in.jsonl"), calls);
            long cpu = Loads.processCpuNanos();
            long start = System.nanoTime();
            BatchSummary s = run(provider, in, dir.resolve("out.jsonl"), concurrency);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> out = figures(s.succeeded(), seconds, Loads.processCpuNanos() - cpu, settled,
                    s.failed(), s.failuresByType());
            durableOutput(dir.resolve("warmup-out.jsonl"), dir.resolve("warmup-again.jsonl")); // warms the timing up
            out.putAll(durableOutput(dir.resolve("out.jsonl"), dir.resolve("again.jsonl")));
            return out;
        } finally {
            delete(dir);
        }
    }

    private static BatchSummary run(OpenAIProvider provider, Path in, Path out, int concurrency) {
        return BatchRunner.builder().provider(provider).input(in).output(out).concurrency(concurrency).build().run();
    }

    private static Path input(Path file, int n) throws IOException {
        String body = new String(Fixtures.requestBody(false), StandardCharsets.UTF_8);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= n; i++) {
                w.write("{\"custom_id\":\"r" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                        + body + "}\n");
            }
        }
        return file;
    }

    private static Map<String, Object> durableOutput(Path results, Path again) throws IOException {
        List<byte[]> lines = Files.readAllLines(results, StandardCharsets.UTF_8).stream()
                .map(l -> (l + "\n").getBytes(StandardCharsets.UTF_8)).toList();
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(again, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (byte[] line : lines) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
        double micros = (System.nanoTime() - start) / 1e3;
        Map<String, Object> out = new LinkedHashMap<>();
        if (!lines.isEmpty()) {
            out.put("write_us", micros / lines.size());
            out.put("result_bytes", lines.stream().mapToLong(l -> l.length).sum() / lines.size());
        }
        return out;
    }

    /**
     * The figures of a measured run; {@code cpuNanos} is the whole JVM's CPU over it (every thread, GC included),
     * which load on a shared machine moves far less than requests/s.
     */
    private static Map<String, Object> figures(long ok, double seconds, long cpuNanos, long settledMs, long errors,
            Map<String, Long> kinds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", ok);
        out.put("calls_per_s", ok / seconds);
        out.put("seconds", seconds);
        if (cpuNanos >= 0 && ok > 0) {
            out.put("cpu_us_per_call", cpuNanos / 1e3 / ok);
        }
        out.put("jit_settle_ms", settledMs);
        out.put("errors", errors);
        out.put("error_kinds", kinds);
        return out;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What the runner's row ran, for the table of limits. */
    static String limits(int concurrency) {
        return "BatchRunner over the provider of row synth-lm (library defaults), concurrency " + concurrency
                + ", no rpm or tpm; input and result files in a temp directory";
    }
}
