package ai.synth.lm.internal.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines as bytes, leaving them undecoded, so a JSON parser reads their UTF-8 straight from the array. A line
 * ends at a line feed, a carriage return, or a carriage return and a line feed, as {@link java.io.BufferedReader}
 * has it. One array holds the line; it grows to the longest line, and one of more than a megabyte is let go once
 * read, so a single huge line does not keep its memory for the rest of the file.
 */
final class LineReader implements Closeable {

    private static final int CHUNK = 64 * 1024;
    private static final int KEPT = 1024 * 1024;
    private static final int MAX_LINE = Integer.MAX_VALUE - 16;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private int limit;
    private boolean skipLineFeed;
    private byte[] line = new byte[CHUNK];
    private int length;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next line into {@link #bytes()}, without its end.
     *
     * @return false at the end of the input
     * @throws IOException if the input cannot be read, or a line is too long for an array
     */
    boolean next() throws IOException {
        if (line.length > KEPT) {
            line = new byte[CHUNK];
        }
        length = 0;
        boolean started = false;
        while (true) {
            if (position == limit && !fill()) {
                return started;
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (chunk[position] == '\n') {
                    position++;
                    continue;
                }
            }
            started = true;
            int start = position;
            while (position < limit && chunk[position] != '\n' && chunk[position] != '\r') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                skipLineFeed = chunk[position] == '\r';
                position++;
                return true;
            }
        }
    }

    /** The line's bytes, from 0 to {@link #length()}; overwritten by the next {@link #next()}. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    private boolean fill() throws IOException {
        int n = in.read(chunk, 0, chunk.length);
        position = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }

    private void append(int from, int count) throws IOException {
        long needed = (long) length + count;
        if (needed > line.length) {
            if (needed > MAX_LINE) {
                throw new IOException("a line of the input is longer than " + MAX_LINE + " bytes");
            }
            line = Arrays.copyOf(line, (int) Math.min(MAX_LINE, Math.max(needed, 2L * line.length)));
        }
        System.arraycopy(chunk, from, line, length, count);
        length += count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
