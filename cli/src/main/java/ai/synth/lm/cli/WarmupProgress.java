package ai.synth.lm.cli;

import ai.synth.lm.WarmupEvent;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A warmup listener that shows progress: one line redrawn with {@code \r} on a terminal, one line per event
 * otherwise (a log file or a pipe must not fill with carriage returns). Call {@link #done()} before printing
 * anything else.
 */
final class WarmupProgress implements Consumer<WarmupEvent> {

    private final StatusLine status;

    WarmupProgress(PrintWriter out, boolean redraw) {
        this.status = new StatusLine(out, redraw);
    }

    @Override
    public synchronized void accept(WarmupEvent e) {
        String line = String.format(Locale.ROOT, "      %-14s attempt %-3d %5.2f s%s", e.status(),
                e.attempt(), e.elapsed().toMillis() / 1000.0, e.error() == null ? "" : "  " + e.error());
        status.show(line);
    }

    /** Ends the redrawn line, if any. */
    void done() {
        status.done();
    }
}
