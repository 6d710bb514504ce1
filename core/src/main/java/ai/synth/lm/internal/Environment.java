package ai.synth.lm.internal;

import ai.synth.lm.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where settings come from: the process environment first, then a {@code .env} file, which never overrides a
 * variable the process already has. Blank values count as unset.
 */
public final class Environment {

    private final Map<String, String> process;
    private final Map<String, String> dotenv;

    private Environment(Map<String, String> process, Map<String, String> dotenv) {
        this.process = process;
        this.dotenv = dotenv;
    }

    /** The process environment and the {@code .env} file of the working directory, if there is one. */
    public static Environment system() {
        return of(System.getenv(), Path.of(""));
    }

    /** The given variables and the {@code .env} file in {@code directory}, if there is one. */
    public static Environment of(Map<String, String> process, Path directory) {
        return new Environment(Map.copyOf(process), readDotenv(directory));
    }

    /** Exactly the given variables, no file. */
    public static Environment ofMap(Map<String, String> variables) {
        return new Environment(Map.copyOf(variables), Map.of());
    }

    /** The value of the first of the names that is set, or null. */
    public String first(String... names) {
        for (String name : names) {
            String value = get(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The value of a variable, or null when it is unset or blank. */
    public String get(String name) {
        String value = process.get(name);
        if (value == null || value.isBlank()) {
            value = dotenv.get(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Map<String, String> readDotenv(Path dir) {
        Path file = dir.toAbsolutePath().resolve(".env");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return DotenvParser.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (DotenvParser.MalformedLine e) {
            throw new ConfigurationException("Could not read " + file + ", " + e.getMessage()
                    + " (each line must be NAME=value, a comment starting with #, or blank)");
        } catch (IOException e) {
            throw new ConfigurationException("Could not read " + file + ": " + e.getMessage());
        }
    }
}
