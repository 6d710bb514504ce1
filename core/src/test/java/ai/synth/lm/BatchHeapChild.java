package ai.synth.lm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch run in a child JVM by {@link BatchHeapTest}: args are the backend base URL, the input, the output, the
 * concurrency and a comma-separated list of checkpoints. When the number of settled lines first reaches a
 * checkpoint, it collects the garbage and prints {@code heap DONE BYTES}, the heap still in use: what the run
 * holds at that point.
 */
public final class BatchHeapChild {
    private BatchHeapChild() {}

    public static void main(String[] args) {
        long[] checkpoints = Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray();
        AtomicInteger next = new AtomicInteger();
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(args[0])
                .apiKey(BatchKillTest.KEY).environment(Map.of()).build())) {
            BatchSummary summary = BatchRunner.builder().provider(provider).input(Path.of(args[1]))
                    .output(Path.of(args[2])).concurrency(Integer.parseInt(args[3]))
                    .onProgress(p -> {
                        int i = next.get();
                        if (i < checkpoints.length && p.done() >= checkpoints[i] && next.compareAndSet(i, i + 1)) {
                            print("heap " + p.done() + " " + heapInUse());
                        }
                    })
                    .build().run();
            print("finished " + summary.succeeded() + " " + summary.failed() + " " + summary.skipped());
        }
        System.exit(0);
    }

    private static long heapInUse() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
