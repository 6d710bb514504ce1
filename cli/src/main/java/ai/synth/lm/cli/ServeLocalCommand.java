package ai.synth.lm.cli;

import ai.synth.lm.testserver.LocalBackend;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code synth-lm serve-local}: the local backend in the foreground, until Ctrl-C. */
@Command(name = "serve-local", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run the synth-lm local backend on 127.0.0.1 until Ctrl-C: an OpenAI- and"
                + " Synth-compatible server whose replies come from a deterministic simulator, not a model.",
                "Point the library or 'synth-lm chat' at it with the printed variables."})
final class ServeLocalCommand implements Callable<Integer> {

    static final String DEFAULT_KEY = "local-key";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080",
            description = "The port (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = DEFAULT_KEY,
            description = "The key clients must send. Default: ${DEFAULT-VALUE}.")
    String apiKey;

    @Option(names = "--cold-start", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a model takes to warm up (decimals allowed). Default: ${DEFAULT-VALUE}.")
    BigDecimal coldStart;

    @Override
    public Integer call() {
        if (coldStart.signum() < 0) {
            throw new IllegalArgumentException("--cold-start must not be negative, was " + coldStart.toPlainString());
        }
        LocalBackend backend = LocalBackend.builder()
                .port(port)
                .apiKey(apiKey)
                .coldStart(Duration.ofMillis(coldStart.movePointRight(3).longValue()))
                .build();
        try {
            backend.start();
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("synth-lm serve-local: " + e.getMessage() + ": "
                    + e.getCause().getMessage() + " (choose another port with --port, or --port 0 for any free one)");
            return Failures.FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            backend.close();
            stopped.countDown();
        }, "synth-lm-serve-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        printBanner(backend);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Interrupted (an embedding caller or a test stopping us): close now, not at JVM exit.
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
                backend.close();
            }
        }
        return 0;
    }

    private void printBanner(LocalBackend backend) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("synth-lm local backend listening on " + backend.baseUrl());
        out.println("Its replies come from a deterministic simulator, not a model. Models start cold and take "
                + coldStart.stripTrailingZeros().toPlainString() + " s to warm up.");
        out.println();
        out.println("Point the library (or synth-lm chat / warmup) at it:");
        out.println("  export SYNTH_BASE_URL=" + backend.baseUrl());
        out.println("  export SYNTH_API_KEY=" + apiKey);
        out.println("  export OPENAI_BASE_URL=" + backend.baseUrl() + "/v1");
        out.println("  export OPENAI_API_KEY=" + apiKey);
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
