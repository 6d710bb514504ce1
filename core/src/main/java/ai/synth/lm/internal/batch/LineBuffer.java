package ai.synth.lm.internal.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A thread's buffer for the result line it is making: grown to the longest line the thread made and kept for the
 * next, so making a line costs one array of its exact size instead of a stream's doublings and a copy of them. One
 * grown past a megabyte is let go after its line, so a single huge result does not keep its memory.
 */
final class LineBuffer extends OutputStream {

    private static final int START = 4096;
    private static final int KEPT = 1024 * 1024;
    private static final ThreadLocal<LineBuffer> MINE = ThreadLocal.withInitial(LineBuffer::new);

    private byte[] bytes = new byte[START];
    private int count;
    private JsonGenerator generator;

    private LineBuffer() {}

    /** This thread's buffer, empty. */
    static LineBuffer get() {
        LineBuffer buffer = MINE.get();
        buffer.count = 0;
        return buffer;
    }

    /**
     * This thread's generator writing into this buffer, made on first use and kept for the next line (one per line
     * cost about as much as writing a short result): it writes each line as a root value with nothing between them.
     * Drop it with {@link #dropGenerator()} after a line that failed half-way.
     */
    JsonGenerator generator(JsonFactory json) throws IOException {
        if (generator == null) {
            generator = json.createGenerator(this);
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** Forgets the generator, which a line that failed half-way left in the middle of a value. */
    void dropGenerator() {
        generator = null;
    }

    @Override
    public void write(int b) {
        room(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, bytes, count, len);
        count += len;
    }

    /** Appends text known to be ASCII, such as a line's fixed JSON. */
    void ascii(String text) {
        int n = text.length();
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[count++] = (byte) text.charAt(i);
        }
    }

    /**
     * Appends {@code text} as a JSON string (quoted, UTF-8), or {@code null}: quotes, backslashes and control
     * characters escaped, and a surrogate without its pair too ({@code \\uD800}), which UTF-8 cannot hold.
     */
    void quoted(String text) {
        if (text == null) {
            ascii("null");
            return;
        }
        int n = text.length();
        room(6 * n + 2); // the most one char takes: \\u0000, or 4 bytes for a pair of two chars
        bytes[count++] = '"';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                bytes[count++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                bytes[count++] = '\\';
                bytes[count++] = (byte) c;
            } else if (c < 0x20) {
                escape(c);
            } else if (c < 0x800) {
                bytes[count++] = (byte) (0xC0 | c >> 6);
                bytes[count++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                bytes[count++] = (byte) (0xE0 | c >> 12);
                bytes[count++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[count++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                bytes[count++] = (byte) (0xF0 | cp >> 18);
                bytes[count++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[count++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[count++] = (byte) (0x80 | cp & 0x3F);
            } else {
                escape(c);
            }
        }
        bytes[count++] = '"';
    }

    private void escape(char c) {
        bytes[count++] = '\\';
        bytes[count++] = 'u';
        for (int shift = 12; shift >= 0; shift -= 4) {
            bytes[count++] = (byte) Character.forDigit(c >> shift & 0xF, 16);
        }
    }

    /**
     * Appends what remains of {@code json}, one JSON value in UTF-8, without the whitespace between its tokens: the
     * same value on one line, in as few bytes as it can take. Inside a string every byte is kept (a line break there
     * is always escaped, and bytes of a UTF-8 sequence are never ASCII); the input must be valid JSON.
     */
    void writeCompact(ByteBuffer json) {
        int end = json.limit();
        room(end - json.position());
        boolean inString = false;
        boolean escaped = false;
        for (int i = json.position(); i < end; i++) {
            byte b = json.get(i);
            if (inString) {
                bytes[count++] = b;
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                bytes[count++] = b;
                inString = b == '"';
            }
        }
    }

    /** What was written since {@link #get()}, in an array of its own. */
    byte[] take() {
        byte[] line = Arrays.copyOf(bytes, count);
        count = 0;
        if (bytes.length > KEPT) {
            bytes = new byte[START];
        }
        return line;
    }

    private void room(int more) {
        int needed = count + more;
        if (needed < 0) {
            throw new OutOfMemoryError("a result line longer than an array can hold");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length)));
        }
    }
}
