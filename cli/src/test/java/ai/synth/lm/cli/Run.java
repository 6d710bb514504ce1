package ai.synth.lm.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One in-process run of the command line: its exit code and what it printed. */
record Run(int exitCode, String out, String err) {

    /** Runs with exactly these variables (no process environment, no .env) and empty stdin. */
    static Run of(Map<String, String> variables, String... args) {
        return withStdin(variables, "", args);
    }

    /** Runs with these variables as the process environment and the {@code .env} file in {@code dir}. */
    static Run withDotenv(Map<String, String> variables, Path dir, String... args) {
        return run(CliEnvironment.of(variables, dir, new ByteArrayInputStream(new byte[0])), args);
    }

    static Run withStdin(Map<String, String> variables, String stdin, String... args) {
        return run(CliEnvironment.of(variables, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))),
                args);
    }

    private static Run run(CliEnvironment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
