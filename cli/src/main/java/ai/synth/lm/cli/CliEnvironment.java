package ai.synth.lm.cli;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthLM;
import ai.synth.lm.internal.Environment;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the commands read from outside the arguments: provider settings, standard input, and whether standard
 * output is a terminal. {@link #system()} is the real process (environment plus {@code .env}); tests pass an
 * exact map of variables instead, since a JVM cannot change its own environment.
 */
final class CliEnvironment {

    private final Map<String, String> variables;
    private final Path dotenvDirectory;
    private final InputStream stdin;
    private final boolean interactive;

    private CliEnvironment(Map<String, String> variables, Path dotenvDirectory, InputStream stdin,
            boolean interactive) {
        this.variables = variables == null ? null : Map.copyOf(variables);
        this.dotenvDirectory = dotenvDirectory;
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.interactive = interactive;
    }

    /** The process environment and {@code .env} file, {@code System.in}, and a live progress line on a terminal. */
    static CliEnvironment system() {
        return new CliEnvironment(null, null, System.in, Terminal.isInteractive());
    }

    /** Exactly these variables (no process environment, no {@code .env}), this input, never a terminal. */
    static CliEnvironment of(Map<String, String> variables, InputStream stdin) {
        return new CliEnvironment(Objects.requireNonNull(variables, "variables"), null, stdin, false);
    }

    /** These variables as the process environment and the {@code .env} file in {@code directory}; for doctor. */
    static CliEnvironment of(Map<String, String> variables, Path directory, InputStream stdin) {
        return new CliEnvironment(Objects.requireNonNull(variables, "variables"),
                Objects.requireNonNull(directory, "directory"), stdin, false);
    }

    /**
     * The settings with where each came from: the real process environment and {@code .env}, or the given
     * variables (and the given directory's {@code .env}).
     *
     * @throws ConfigurationException if the {@code .env} file cannot be read
     */
    Environment settings() {
        if (variables == null) {
            return Environment.system();
        }
        return dotenvDirectory == null ? Environment.ofMap(variables) : Environment.of(variables, dotenvDirectory);
    }

    /** A Synth config builder that reads missing values from these variables. */
    SynthConfig.Builder synth() {
        SynthConfig.Builder b = SynthConfig.builder();
        return variables == null ? b : b.environment(variables);
    }

    /** An OpenAI config builder that reads missing values from these variables. */
    OpenAIConfig.Builder openai() {
        OpenAIConfig.Builder b = OpenAIConfig.builder();
        return variables == null ? b : b.environment(variables);
    }

    /** A router builder whose {@code os.environ/NAME} keys and provider defaults come from these variables. */
    ai.synth.lm.RouterBuilder router() {
        ai.synth.lm.RouterBuilder b = ai.synth.lm.Router.builder();
        return variables == null ? b : b.environment(variables);
    }

    /** {@code LM_PROVIDER}, normalized, or {@code synth} when unset. */
    String defaultProvider() {
        if (variables == null) {
            return SynthLM.defaultProvider();
        }
        String value = variables.get("LM_PROVIDER");
        if (value == null || value.isBlank()) {
            return "synth";
        }
        String name = value.strip().toLowerCase(Locale.ROOT);
        if (!SynthLM.PROVIDERS.contains(name)) {
            throw new ConfigurationException("LM_PROVIDER=" + value + " is not a known provider: use one of "
                    + String.join(", ", SynthLM.PROVIDERS));
        }
        return name;
    }

    InputStream stdin() {
        return stdin;
    }

    /** Whether progress may redraw one line with {@code \r}. */
    boolean interactive() {
        return interactive;
    }
}
