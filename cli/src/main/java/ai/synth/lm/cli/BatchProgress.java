package ai.synth.lm.cli;

import ai.synth.lm.BatchSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Draws a batch's progress: a bar redrawn in place with {@code \r} on a terminal, or one plain line per call
 * otherwise (a log file must not fill with carriage returns). Done / total, rate, tokens per second, ETA and
 * failures so far.
 */
final class BatchProgress {

    private static final int BAR = 24;

    private final StatusLine status;
    private final long total;

    BatchProgress(PrintWriter out, boolean redraw, long total) {
        this.status = new StatusLine(out, redraw);
        this.total = total;
    }

    synchronized void show(BatchSummary p) {
        String line = line(p, total);
        status.show(line);
    }

    /** Ends the redrawn line, if any. */
    void done() {
        status.done();
    }

    static String line(BatchSummary p, long total) {
        double seconds = Math.max(p.wallTime().toMillis(), 1) / 1000.0;
        long sent = p.succeeded() + p.failed();
        double rate = sent / seconds;
        long done = Math.min(p.done(), total);
        int filled = total == 0 ? BAR : (int) (BAR * done / total);
        String eta = rate <= 0 ? "--" : duration(Duration.ofSeconds((long) Math.ceil((total - done) / rate)));
        return String.format(Locale.ROOT, "[%s%s] %d/%d %3d%%  %.1f req/s  %.0f tok/s  ETA %s  failed %d",
                "#".repeat(filled), ".".repeat(BAR - filled), done, total, total == 0 ? 100 : 100 * done / total,
                rate, p.totalTokens() / seconds, eta, p.failed());
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
