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
                "Point the library or 'synth-lm chat' at it with the printed variables.",
                "With --backends N it starts N independent backends (to try a router by hand) and prints a"
                        + " router config over them; --fail makes one of them answer an error status."})
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

    @Option(names = "--backends", paramLabel = "N", defaultValue = "1",
            description = "How many independent backends to start, on consecutive ports from --port (all on free"
                    + " ports with --port 0). Default: ${DEFAULT-VALUE}.")
    int backends;

    @Option(names = "--fail", paramLabel = "N=STATUS",
            description = "Make backend N (from 1) answer STATUS (e.g. 503 or 429) to its chat requests; repeatable.")
    java.util.Map<Integer, Integer> failures = new java.util.LinkedHashMap<>();

    /** How many faults a failing backend has queued: enough for any session by hand. */
    static final int FAULTS = 100_000;

    @Override
    public Integer call() {
        if (coldStart.signum() < 0) {
            throw new IllegalArgumentException("--cold-start must not be negative, was " + coldStart.toPlainString());
        }
        if (backends < 1 || backends > 32) {
            throw new IllegalArgumentException("--backends must be from 1 to 32, was " + backends);
        }
        failures.forEach((n, status) -> {
            if (n < 1 || n > backends || status < 400 || status > 599) {
                throw new IllegalArgumentException("--fail " + n + "=" + status + " needs a backend from 1 to "
                        + backends + " and a status from 400 to 599");
            }
        });
        java.util.List<LocalBackend> started = new java.util.ArrayList<>();
        for (int i = 0; i < backends; i++) {
            LocalBackend backend = LocalBackend.builder()
                    .port(port == 0 ? 0 : port + i)
                    .apiKey(apiKey)
                    .coldStart(Duration.ofMillis(coldStart.movePointRight(3).longValue()))
                    .build();
            try {
                backend.start();
            } catch (UncheckedIOException e) {
                started.forEach(LocalBackend::close);
                spec.commandLine().getErr().println("synth-lm serve-local: " + e.getMessage() + ": "
                        + e.getCause().getMessage()
                        + " (choose another port with --port, or --port 0 for any free one)");
                return Failures.FAILURE;
            }
            Integer status = failures.get(i + 1);
            for (int f = 0; status != null && f < FAULTS; f++) {
                backend.enqueue(ai.synth.lm.testserver.Fault.status(status));
            }
            started.add(backend);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            started.forEach(LocalBackend::close);
            stopped.countDown();
        }, "synth-lm-serve-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (started.size() == 1) {
            printBanner(started.get(0));
        } else {
            printRouterBanner(started);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Interrupted (an embedding caller or a test stopping us): close now, not at JVM exit.
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
                started.forEach(LocalBackend::close);
            }
        }
        return 0;
    }

    private void printRouterBanner(java.util.List<LocalBackend> started) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("synth-lm local backends (replies from a deterministic simulator, not a model):");
        for (int i = 0; i < started.size(); i++) {
            Integer status = failures.get(i + 1);
            out.println("  " + (i + 1) + ": " + started.get(i).baseUrl()
                    + (status == null ? "" : "  (answers HTTP " + status + ")"));
        }
        out.println();
        out.println("A router config over them (save as router.yaml, then: synth-lm chat --config router.yaml"
                + " --model chat \"Hello\"):");
        out.println("model_list:");
        for (int i = 0; i < started.size(); i++) {
            out.println("  - model_name: chat");
            out.println("    litellm_params: {model: openai/local-model, api_base: \"" + started.get(i).baseUrl()
                    + "/v1\", api_key: " + apiKey + "}");
            out.println("    model_info: {id: backend-" + (i + 1) + "}");
        }
        out.println("router_settings: {num_retries: 2, allowed_fails: 0, cooldown_time: 30}");
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
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
