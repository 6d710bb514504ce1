package ai.synth.lm.cli;

import java.io.PrintWriter;

/**
 * One status line: redrawn in place with {@code \r} on a terminal, or printed as a new line each time otherwise (a
 * log file or a pipe must not fill with carriage returns). Call {@link #done()} before printing anything else.
 * Thread-safe.
 */
final class StatusLine {

    private final PrintWriter out;
    private final boolean redraw;
    private int width;

    StatusLine(PrintWriter out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** Shows {@code line}, over the previous one on a terminal. */
    synchronized void show(String line) {
        if (redraw) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the redrawn line, if any. */
    synchronized void done() {
        if (redraw && width > 0) {
            out.println();
            out.flush();
            width = 0;
        }
    }
}
