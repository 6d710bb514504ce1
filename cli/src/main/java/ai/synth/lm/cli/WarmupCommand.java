package ai.synth.lm.cli;

import ai.synth.lm.SynthProvider;
import ai.synth.lm.WarmupOptions;
import ai.synth.lm.WarmupResult;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synth-lm warmup MODEL}: brings a cold Synth model up, showing progress; exit 0 when it is warm. */
@Command(name = "warmup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Warm a Synth model up and wait until it is ready; exit 0 when warm, 1 when not.",
                "Reads SYNTH_BASE_URL and SYNTH_API_KEY from the environment or a .env file."})
final class WarmupCommand implements Callable<Integer> {

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "The model, e.g. Qwen/Qwen2.5-7B-Instruct.")
    String model;

    @Option(names = "--force", description = "Warm up even if this process saw the model warm in the last 10 minutes.")
    boolean force;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "30",
            description = "Status checks before giving up. Default: ${DEFAULT-VALUE}.")
    int maxAttempts;

    @Option(names = "--poll-interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between status checks (decimals allowed). Default: ${DEFAULT-VALUE}.")
    BigDecimal pollInterval;

    @Option(names = "--gpu", paramLabel = "GPU", description = "A GPU preference sent to the backend, e.g. A100.")
    String gpu;

    @Option(names = "--base-url", paramLabel = "URL", description = "The Synth base URL, instead of SYNTH_BASE_URL.")
    String baseUrl;

    WarmupCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (maxAttempts < 1) {
            throw new ParameterException(spec.commandLine(), "--max-attempts must be at least 1, was " + maxAttempts);
        }
        PrintWriter out = spec.commandLine().getOut();
        WarmupProgress progress = new WarmupProgress(out, env.interactive());
        WarmupOptions options = WarmupOptions.builder()
                .force(force)
                .maxAttempts(maxAttempts)
                .pollInterval(seconds(pollInterval))
                .gpuPreference(gpu)
                .listener(progress)
                .build();
        WarmupResult result;
        try (SynthProvider provider = new SynthProvider(env.synth().baseUrl(baseUrl).build())) {
            out.println("Warming up " + model + "...");
            out.flush();
            result = provider.warmup(model, options);
        } finally {
            progress.done();
        }
        result.orThrow(); // not warm: a WarmupException, reported on one line with exit code 1
        out.println(model + " is warm (" + describe(result) + ")");
        return 0;
    }

    static String describe(WarmupResult r) {
        String time = String.format(Locale.ROOT, "%.1f s", r.elapsed().toMillis() / 1000.0);
        return switch (r.outcome()) {
            case CACHED -> "warmed in the last 10 minutes; no request made";
            case ALREADY_WARM -> "it was already warm, " + time;
            case WARMED -> "warmed after " + r.attempts() + " status checks, " + time;
            default -> r.outcome().name().toLowerCase(Locale.ROOT) + ", " + time;
        };
    }

    private static Duration seconds(BigDecimal seconds) {
        if (seconds.signum() < 0) {
            throw new IllegalArgumentException("--poll-interval must not be negative, was " + seconds.toPlainString());
        }
        if (seconds.compareTo(BigDecimal.valueOf(3600)) > 0) {
            throw new IllegalArgumentException("--poll-interval must be at most 3600 seconds, was "
                    + seconds.toPlainString());
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
