package ai.synth.lm.internal.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser following the WHATWG rules: LF, CR and CRLF line ends (also when a CR
 * and its LF arrive in different reads), a leading UTF-8 BOM, {@code :} comment lines, multi-line {@code data},
 * {@code event} and {@code id} fields, and a last event without a trailing blank line (see {@link #finish()}).
 *
 * <p>Each byte is looked at once, eight at a time while looking for a line end. Lines are kept as bytes and decoded only when an event is dispatched, so a UTF-8
 * character split across reads is never mangled (line ends cannot fall inside one). Not thread-safe: feed it from
 * one thread at a time.
 */
public final class SseParser {

    /** Receives each event as it completes. */
    @FunctionalInterface
    public interface Listener {
        /**
         * One event.
         *
         * @param event the {@code event} field, or null for the default {@code message}
         * @param data the data bytes (lines joined by LF), valid only during the call; from {@code 0} to {@code length}
         * @param length how many bytes of {@code data} are used
         * @param id the last {@code id} field seen, or null
         */
        void onEvent(String event, byte[] data, int length, String id);
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    /** Eight bytes of an array as one long, first byte lowest (so the lowest match is the first in the array). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Listener listener;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String event;
    private String lastId;
    private boolean afterCr;
    private int bomIndex;

    /**
     * A parser delivering events to the listener.
     *
     * @param maxEventBytes the largest event accepted; a larger one fails with {@link SseException}
     */
    public SseParser(Listener listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    /** Feeds the next bytes of the stream; events complete during the call are delivered before it returns. */
    public void feed(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            int start = buffer.arrayOffset() + buffer.position();
            feed(buffer.array(), start, buffer.remaining());
            buffer.position(buffer.limit());
        } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            feed(copy, 0, copy.length);
        }
    }

    /** Feeds bytes {@code off} to {@code off + len} of {@code bytes}. */
    public void feed(byte[] bytes, int off, int len) {
        int end = off + len;
        int i = off;
        while (bomIndex < 3 && i < end) { // a BOM may itself be split across reads
            if ((bytes[i] & 0xff) == BOM[bomIndex]) {
                bomIndex++;
                i++;
            } else {
                for (int k = 0; k < bomIndex; k++) { // not a BOM after all: the bytes were content
                    append((byte) BOM[k]);
                }
                bomIndex = 3;
            }
        }
        int segment = i;
        while (i < end) {
            int j = lineEnd(bytes, i, end);
            if (j > i) {
                afterCr = false; // content came after the CR
            }
            if (j == end) {
                break;
            }
            byte b = bytes[j];
            appendRange(bytes, segment, j);
            if (b == LF && afterCr) {
                afterCr = false; // the LF of a CRLF whose CR ended the line already
            } else {
                afterCr = b == CR;
                endOfLine();
            }
            segment = j + 1;
            i = j + 1;
        }
        appendRange(bytes, segment, end);
    }

    /**
     * The index of the first CR or LF in {@code bytes} from {@code from} (inclusive) to {@code end}, or {@code end}.
     * Looks at eight bytes at a time: in each, a byte equal to CR or LF becomes zero after an XOR, and the lowest zero
     * byte of a word {@code x} is the lowest byte whose high bit {@code (x - 0x01..) & ~x & 0x80..} sets (bits above
     * it may be set by the borrow; the lowest is exact).
     */
    static int lineEnd(byte[] bytes, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            long lf = word ^ 0x0A0A0A0A0A0A0A0AL;
            long cr = word ^ 0x0D0D0D0D0D0D0D0DL;
            long found = ((lf - 0x0101010101010101L) & ~lf | (cr - 0x0101010101010101L) & ~cr)
                    & 0x8080808080808080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == LF || bytes[i] == CR) {
                return i;
            }
        }
        return end;
    }

    private static final int[] BOM = {0xEF, 0xBB, 0xBF};

    /**
     * Ends the stream: a last event that was not followed by a blank line is dispatched, as browsers do for data
     * that ended with a line end; a partial last line is processed first.
     */
    public void finish() {
        if (lineLength > 0) {
            endOfLine();
        }
        dispatch();
    }

    /** Whether bytes of an incomplete event are buffered. */
    public boolean hasPartialEvent() {
        return lineLength > 0 || hasData;
    }

    private void appendRange(byte[] bytes, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        ensureLine(lineLength + n);
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    private void append(byte b) {
        ensureLine(lineLength + 1);
        line[lineLength++] = b;
    }

    private void ensureLine(int size) {
        if (size > maxEventBytes) {
            throw new SseException("An SSE line is larger than the limit of " + maxEventBytes + " bytes");
        }
        if (size > line.length) {
            line = Arrays.copyOf(line, Math.max(size, line.length * 2));
        }
    }

    private void endOfLine() {
        int n = lineLength;
        lineLength = 0;
        if (n == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return; // comment, e.g. a keep-alive
        }
        int colon = indexOf(line, n, (byte) ':');
        int nameEnd = colon < 0 ? n : colon;
        int valueStart = colon < 0 ? n : colon + 1;
        if (valueStart < n && line[valueStart] == ' ') {
            valueStart++;
        }
        if (is("data", nameEnd)) {
            appendData(valueStart, n);
        } else if (is("event", nameEnd)) {
            event = new String(line, valueStart, n - valueStart, StandardCharsets.UTF_8);
        } else if (is("id", nameEnd)) {
            String id = new String(line, valueStart, n - valueStart, StandardCharsets.UTF_8);
            if (id.indexOf('\0') < 0) {
                lastId = id;
            }
        }
        // "retry" and unknown fields are ignored, as the standard says.
    }

    private void appendData(int from, int to) {
        int n = to - from;
        int needed = dataLength + n + 1;
        if (needed > maxEventBytes) {
            throw new SseException("An SSE event is larger than the limit of " + maxEventBytes + " bytes");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        System.arraycopy(line, from, data, dataLength, n);
        dataLength += n;
        data[dataLength++] = LF;
        hasData = true;
    }

    private void dispatch() {
        if (!hasData) {
            event = null;
            return;
        }
        String type = event;
        int length = dataLength - 1; // without the last LF
        event = null;
        hasData = false;
        dataLength = 0;
        listener.onEvent(type, data, length, lastId);
    }

    private boolean is(String name, int nameEnd) {
        if (nameEnd != name.length()) {
            return false;
        }
        for (int k = 0; k < nameEnd; k++) {
            if (line[k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, int n, byte b) {
        for (int k = 0; k < n; k++) {
            if (bytes[k] == b) {
                return k;
            }
        }
        return -1;
    }
}
