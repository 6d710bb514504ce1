package ai.synth.lm.cli;

import ai.synth.lm.testserver.LocalBackend;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code synth-lm demo}: a tour of the library against an embedded local backend; needs no configuration. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Tour the library in a few seconds: warmup, chat, streaming, provider switching, tool calls,"
                + " retries and typed errors.",
                "Needs no configuration: it starts the synth-lm local backend on 127.0.0.1, whose replies come"
                        + " from a deterministic simulator, not a model."})
final class DemoCommand implements Callable<Integer> {

    /** How long the simulated model takes to load: long enough to watch the progress line. */
    static final Duration COLD_START = Duration.ofMillis(1500);
    /** The pause between streamed chunks: slow enough to see the answer arrive. */
    static final Duration CHUNK_DELAY = Duration.ofMillis(30);
    static final String API_KEY = "demo-key";

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    DemoCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        try (LocalBackend backend = LocalBackend.builder().apiKey(API_KEY).coldStart(COLD_START)
                .streamChunkDelay(CHUNK_DELAY).build().start()) {
            out.println("synth-lm demo: the library against a local backend started on " + backend.baseUrl() + ".");
            out.println("Every reply below comes from its deterministic simulator, not a model: the point is what the"
                    + " library does around the call.");
            DemoTour tour = new DemoTour(backend, API_KEY, out, env.interactive());
            tour.warmup();
            tour.chat();
            tour.streaming();
            tour.providerSwitching();
            tour.toolCall();
            tour.retries();
            tour.router();
            tour.typedErrors();
        }
        summary(out, Duration.ofNanos(System.nanoTime() - started));
        return 0;
    }

    private static void summary(PrintWriter out, Duration took) {
        out.println();
        out.println(String.format(Locale.ROOT, "Done in %.1f s. You saw: warmup with progress and a 10-minute cache,"
                + " a chat completion with usage, a stream,", took.toMillis() / 1000.0));
        out.println("one client over two providers, a tool-call round trip, retries that honour Retry-After, and typed"
                + " exceptions.");
        out.println();
        out.println("Next: put SYNTH_BASE_URL and SYNTH_API_KEY (or OPENAI_API_KEY) in your environment or a .env file"
                + " and run");
        out.println("  synth-lm chat \"Hello!\"");
        out.println("or run 'synth-lm serve-local' and point chat at the simulator. See 'synth-lm --help'.");
        out.flush();
    }
}
