package ai.synth.lm.internal;

import ai.synth.lm.ConfigurationException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where settings come from: the process environment first, then a {@code .env} file, which never overrides a
 * variable the process already has. Blank values count as unset.
 *
 * <p>The file is read as python-dotenv reads it (see {@link DotenvParser}), with {@code ${NAME}} and
 * {@code ${NAME:-default}} expanded from the process environment and the file's earlier lines. A malformed
 * statement is skipped with one warning naming the file and its line, never its text; with
 * {@value #STRICT_VARIABLE}{@code =true} in the process environment it fails instead.
 */
public final class Environment {

    /** The process variable that makes a malformed {@code .env} line fail instead of being skipped. */
    public static final String STRICT_VARIABLE = "SYNTH_DOTENV_STRICT";

    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);

    /**
     * A variable's value and where it came from.
     *
     * @param name the variable
     * @param value its value, trimmed
     * @param origin {@code environment}, or {@code .env line N}
     */
    public record Found(String name, String value, String origin) {
        /** The name and origin; never the value, which may be a key. */
        @Override
        public String toString() {
            return "Found[name=" + name + ", origin=" + origin + "]";
        }
    }

    /**
     * What was read from a {@code .env} file.
     *
     * @param file the file, or null when there was none
     * @param values its variables, expanded
     * @param skipped each malformed line skipped, as {@code line N: reason}
     */
    private record Dotenv(Path file, Map<String, DotenvParser.Binding> values, List<String> skipped) {
        static final Dotenv NONE = new Dotenv(null, Map.of(), List.of());
    }

    private final Map<String, String> process;
    private final Dotenv dotenv;

    private Environment(Map<String, String> process, Dotenv dotenv) {
        this.process = process;
        this.dotenv = dotenv;
    }

    /** The process environment and the {@code .env} file of the working directory, if there is one. */
    public static Environment system() {
        return of(System.getenv(), Path.of(""));
    }

    /**
     * The given variables and the {@code .env} file in {@code directory}, if there is one.
     *
     * @throws ConfigurationException if the file cannot be read, or in strict mode has a malformed line
     */
    public static Environment of(Map<String, String> process, Path directory) {
        Map<String, String> copy = Map.copyOf(process);
        return new Environment(copy, readDotenv(directory.toAbsolutePath().resolve(".env"), copy));
    }

    /** Exactly the given variables, no file. */
    public static Environment ofMap(Map<String, String> variables) {
        return new Environment(Map.copyOf(variables), Dotenv.NONE);
    }

    /** The value of the first of the names that is set, or null. */
    public String first(String... names) {
        Found found = find(names);
        return found == null ? null : found.value();
    }

    /** The value of a variable, or null when it is unset or blank. */
    public String get(String name) {
        return first(name);
    }

    /** The first of the names that is set, with its value and origin; null when none is. */
    public Found find(String... names) {
        for (String name : names) {
            String value = process.get(name);
            if (value != null && !value.isBlank()) {
                return new Found(name, value.trim(), "environment");
            }
            DotenvParser.Binding b = dotenv.values().get(name);
            if (b != null && !b.value().isBlank()) {
                return new Found(name, b.value().trim(), ".env line " + b.line());
            }
        }
        return null;
    }

    /** Every variable, the process's winning over the file's: what a config builder's environment reads. */
    public Map<String, String> variables() {
        Map<String, String> all = new HashMap<>();
        dotenv.values().forEach((name, b) -> all.put(name, b.value()));
        all.putAll(process);
        return Map.copyOf(all);
    }

    /** The {@code .env} file that was read, or null when there was none. */
    public Path dotenvFile() {
        return dotenv.file();
    }

    /** The malformed lines of the {@code .env} file that were skipped, each as {@code line N: reason}. */
    public List<String> skippedLines() {
        return dotenv.skipped();
    }

    private static Dotenv readDotenv(Path file, Map<String, String> process) {
        if (!Files.isRegularFile(file)) {
            return Dotenv.NONE;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigurationException("Could not read " + file + ": it is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new ConfigurationException("Could not read " + file + ": " + e.getMessage());
        }
        DotenvParser.Result parsed = DotenvParser.parse(text);
        boolean strict = strict(process);
        List<String> skipped = new ArrayList<>();
        for (DotenvParser.Malformed bad : parsed.malformed()) {
            if (strict) {
                throw new ConfigurationException("Could not read " + file + ", line " + bad.line() + ": "
                        + bad.reason() + " (each line must be NAME=value, a comment starting with #, or blank;"
                        + " unset " + STRICT_VARIABLE + " to skip such lines with a warning)");
            }
            // The line's text is never logged: it may hold a key.
            LOG.warn("Skipped line {} of {}: {} (each line must be NAME=value, a comment starting with #, or blank;"
                    + " set {}=true to fail instead)", bad.line(), file, bad.reason(), STRICT_VARIABLE);
            skipped.add("line " + bad.line() + ": " + bad.reason());
        }
        return new Dotenv(file, Collections.unmodifiableMap(DotenvExpansion.expand(parsed.bindings(), process)),
                List.copyOf(skipped));
    }

    private static boolean strict(Map<String, String> process) {
        String value = process.get(STRICT_VARIABLE);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigurationException(STRICT_VARIABLE + "=" + value
                    + " is not a valid switch: use true to fail on a malformed .env line, or false (the default)"
                    + " to skip it with a warning");
        };
    }
}
