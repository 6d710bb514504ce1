package ai.synth.lm.cli;

import ai.synth.lm.BatchJob;
import ai.synth.lm.BatchRunner;
import ai.synth.lm.BatchSummary;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.Router;
import ai.synth.lm.SynthLM;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.UnifiedLMProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synth-lm batch INPUT.jsonl --output OUT.jsonl}: a file of requests through a provider or router. */
@Command(name = "batch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a JSONL file of chat-completion requests (OpenAI Batch lines, or bare request bodies)"
                + " and append one result per line to the output, in OpenAI's batch output shape.",
                "Running the same command again resumes: lines already in the output or errors file are skipped.",
                "Exit codes: 0 all done, 1 some requests failed or the run was stopped, 2 bad usage or configuration."})
final class BatchCommand implements Callable<Integer> {

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT.jsonl", description = "The requests, one JSON object a line.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl",
            description = "Where results are appended; an existing file is resumed.")
    Path output;

    @Option(names = "--errors", paramLabel = "ERR.jsonl",
            description = "Where failed and malformed lines go. Default: beside the output, OUT.errors.jsonl.")
    Path errors;

    @Option(names = "--provider", paramLabel = "synth|openai",
            description = "The provider. Default: LM_PROVIDER, else synth.")
    String provider;

    @Option(names = "--config", paramLabel = "router.yaml",
            description = "A router config (LiteLLM's config.yaml format): route the requests over its deployments.")
    Path config;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The provider's base URL, instead of SYNTH_BASE_URL or OPENAI_BASE_URL.")
    String baseUrl;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A model (with --config: a model group) replacing every line's own.")
    String model;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
            description = "The most requests in flight. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--rpm", paramLabel = "N", defaultValue = "0",
            description = "The most requests a minute; 0 for no limit (the default).")
    int rpm;

    @Option(names = "--tpm", paramLabel = "N", defaultValue = "0",
            description = "The most tokens a minute, reserved from an estimate; 0 for no limit (the default).")
    long tpm;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "5", hidden = true,
            description = "Seconds between progress lines when not on a terminal.")
    double progressSeconds;

    BatchCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (config != null && (provider != null || baseUrl != null)) {
            throw new ParameterException(spec.commandLine(), "--config does not combine with --provider or"
                    + " --base-url: the config file says where each deployment is");
        }
        if (!Files.isRegularFile(input)) {
            throw new ParameterException(spec.commandLine(), "INPUT " + input
                    + " is not a file: pass the path of a JSONL file of requests");
        }
        try (UnifiedLMProvider p = config != null ? env.router().config(config).build() : open(providerName())) {
            if (p instanceof Router r && model != null && !r.modelGroups().contains(model)) {
                throw new ParameterException(spec.commandLine(), "--model " + model + " is not a model group of "
                        + config + ": use one of " + String.join(", ", r.modelGroups()));
            }
            BatchRunner.Builder builder = BatchRunner.builder().provider(p).input(input).output(output).model(model)
                    .concurrency(concurrency).rpm(rpm).tpm(tpm);
            if (errors != null) {
                builder.errors(errors);
            }
            BatchRunner runner = builder.build();
            return run(runner, runner.errors());
        }
    }

    private int run(BatchRunner runner, Path errorsFile) {
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = Terminal.isInteractive();
        BatchProgress progress = new BatchProgress(err, terminal, countLines(input));
        BatchJob job = runner.start();
        Stopper stopper = new Stopper(job, progress, err, resumeHint());
        Runtime.getRuntime().addShutdownHook(stopper);
        long every = terminal ? 200 : Math.max(10, (long) (progressSeconds * 1000));
        BatchSummary summary = waitShowing(job, progress, every);
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            return Failures.FAILURE; // the stopper reports
        }
        progress.show(summary);
        progress.done();
        return report(summary, errorsFile);
    }

    private static BatchSummary waitShowing(BatchJob job, BatchProgress progress, long everyMillis) {
        while (true) {
            try {
                return job.result().get(everyMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                progress.show(job.progress());
            } catch (InterruptedException e) {
                job.cancel();
                Thread.currentThread().interrupt();
                return job.await();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    private int report(BatchSummary s, Path errorsFile) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d succeeded, %d failed, %d already done; %d tokens (%d prompt, %d completion)"
                        + " in %s%n", s.succeeded(), s.failed(), s.skipped(), s.totalTokens(), s.promptTokens(),
                s.completionTokens(), BatchProgress.duration(s.wallTime()));
        out.println("Results: " + output);
        if (s.failed() > 0) {
            StringBuilder byType = new StringBuilder();
            for (Map.Entry<String, Long> e : s.failuresByType().entrySet()) {
                byType.append(byType.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
            }
            out.println(s.failed() + " failed (" + byType + "): see " + errorsFile);
        }
        out.flush();
        return s.failed() > 0 || s.cancelled() ? Failures.FAILURE : 0;
    }

    private String resumeHint() {
        return "run the same command again to resume: lines already in " + output + " are skipped";
    }

    private static long countLines(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long n = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    private String providerName() {
        if (provider == null) {
            return env.defaultProvider();
        }
        String name = provider.strip().toLowerCase(Locale.ROOT);
        if (!SynthLM.PROVIDERS.contains(name)) {
            throw new ParameterException(spec.commandLine(), "Unknown provider \"" + provider
                    + "\": use one of " + String.join(", ", SynthLM.PROVIDERS));
        }
        return name;
    }

    private UnifiedLMProvider open(String name) {
        return name.equals("openai")
                ? new OpenAIProvider(env.openai().baseUrl(baseUrl).build())
                : new SynthProvider(env.synth().baseUrl(baseUrl).build());
    }

    /** On Ctrl-C (or a plain kill): stops sending, lets the requests in flight be written, says how to resume. */
    private static final class Stopper extends Thread {
        private final BatchJob job;
        private final BatchProgress progress;
        private final PrintWriter err;
        private final String hint;

        Stopper(BatchJob job, BatchProgress progress, PrintWriter err, String hint) {
            super("synth-lm-batch-stop");
            this.job = job;
            this.progress = progress;
            this.err = err;
            this.hint = hint;
        }

        @Override
        public void run() {
            job.cancel();
            BatchSummary s = job.result().completeOnTimeout(job.progress(), 60, TimeUnit.SECONDS).join();
            progress.done();
            err.println("Stopped: " + s.succeeded() + " succeeded and " + s.failed() + " failed in this run, "
                    + "every result in flight written; " + hint);
            err.flush();
        }
    }
}
