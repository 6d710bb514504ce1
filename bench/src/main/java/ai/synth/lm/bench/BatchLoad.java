package ai.synth.lm.bench;

import ai.synth.lm.BatchRunner;
import ai.synth.lm.BatchSummary;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import java.io.BufferedWriter;
import java.io.IOException;
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
 * many in flight and writes nothing (row synth-lm). Each warms up on its own requests first, then runs the measured
 * ones start to end.
 */
final class BatchLoad {

    /** The row of the batch runner. */
    static final String RUNNER = "synth-lm-batch";

    private BatchLoad() {}

    /** The hand-written loop: {@code calls} calls on the async face, at most {@code concurrency} in flight. */
    static Map<String, Object> loop(BenchClient client, int warmup, int calls, int concurrency)
            throws InterruptedException {
        loop(client, warmup, concurrency, new Errors());
        Errors errors = new Errors();
        long start = System.nanoTime();
        long ok = loop(client, calls, concurrency, errors);
        return figures(ok, (System.nanoTime() - start) / 1e9, errors.count(), errors.kinds());
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
     * new file the way the runner appends them, one write to the operating system per line.
     */
    static Map<String, Object> runner(String baseUrl, int warmup, int calls, int concurrency) throws IOException {
        Path dir = Files.createTempDirectory("synth-lm-bench-batch");
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl)
                .apiKey("bench-key").environment(Map.of()).build())) {
            run(provider, input(dir.resolve("warmup.jsonl"), warmup), dir.resolve("warmup-out.jsonl"), concurrency);
            Path in = input(dir.resolve("in.jsonl"), calls);
            long start = System.nanoTime();
            BatchSummary s = run(provider, in, dir.resolve("out.jsonl"), concurrency);
            Map<String, Object> out = figures(s.succeeded(), (System.nanoTime() - start) / 1e9, s.failed(),
                    s.failuresByType());
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

    private static Map<String, Object> figures(long ok, double seconds, long errors, Map<String, Long> kinds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", ok);
        out.put("calls_per_s", ok / seconds);
        out.put("seconds", seconds);
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
