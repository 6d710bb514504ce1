package ai.synth.lm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what SLF4J logs while it is open. The test classpath has slf4j-simple, configured by
 * {@code simplelogger.properties} to log at DEBUG to {@code System.err}, which it looks up on every line (the
 * output stream is not cached); so swapping {@code System.err} captures every log line, from any thread.
 * Tests run one at a time, so nothing else writes meanwhile.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private LogCapture() {
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing. */
    static LogCapture start() {
        return new LogCapture();
    }

    /** Everything logged so far. */
    String text() {
        System.err.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** How many captured lines contain {@code fragment}. */
    long linesContaining(String fragment) {
        return text().lines().filter(line -> line.contains(fragment)).count();
    }

    /** Stops capturing and restores {@code System.err}. */
    @Override
    public void close() {
        System.setErr(original);
    }
}
