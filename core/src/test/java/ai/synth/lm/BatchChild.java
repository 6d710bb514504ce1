package ai.synth.lm;

import java.nio.file.Path;
import java.util.Map;

/**
 * The batch run in a child JVM by {@link BatchKillTest}: args are the backend base URL, the input, the output and
 * the concurrency. Prints one line per settled result, so the parent knows how far it got before killing it.
 */
public final class BatchChild {
    private BatchChild() {}

    public static void main(String[] args) {
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(args[0])
                .apiKey(BatchKillTest.KEY).environment(Map.of()).build())) {
            BatchSummary summary = BatchRunner.builder().provider(provider).input(Path.of(args[1]))
                    .output(Path.of(args[2])).concurrency(Integer.parseInt(args[3]))
                    .onProgress(p -> {
                        synchronized (System.out) {
                            System.out.println("done " + p.done());
                            System.out.flush();
                        }
                    })
                    .build().run();
            System.out.println("finished " + summary.succeeded() + " " + summary.skipped());
        }
        System.exit(0);
    }
}
