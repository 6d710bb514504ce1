package ai.synth.lm.internal.http;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response from bytes as they arrive, in any split: the head, then the body's framing
 * ({@code Content-Length}, chunked, or until the connection closes). Body bytes are never copied: {@link #body}
 * says how many of the next input bytes belong to the body and the caller takes them in place, which suits a
 * blocking reader and a selector loop alike. Not thread-safe; one per response.
 */
final class Http1Decoder {

    /** The most a response head may take; a longer one is not an API's answer. */
    static final int MAX_HEAD = 64 * 1024;

    private enum State { STATUS, HEADERS, FIXED, SIZE, DATA, DATA_END, TRAILERS, UNTIL_CLOSE, DONE }

    /** The longest line of a head or of chunk framing accepted. */
    static final int MAX_LINE = 8 * 1024;

    private State state = State.STATUS;
    /** The line being read: small at first, grown up to {@link #MAX_LINE} by a long one (most lines are short). */
    private byte[] line = new byte[256];
    private int lineLength;
    private int headBytes;
    private int status;
    private boolean http10;
    private Headers.Builder fields = new Headers.Builder();
    private Headers headers;
    private long remaining;
    private boolean closeRequested;

    /**
     * Consumes head bytes from {@code in}; true once a final (non-1xx) head is complete, with {@code in}
     * positioned at the body's first byte. Informational heads are skipped.
     */
    boolean head(ByteBuffer in) throws IOException {
        while (state == State.STATUS || state == State.HEADERS) {
            int n = readLine(in);
            if (n < 0) {
                return false;
            }
            if (state == State.STATUS) {
                parseStatus(lineText(n));
                state = State.HEADERS;
            } else if (n > 0) {
                addField(n);
            } else if (status == 101) {
                throw new ProtocolException("Unexpected 101 Switching Protocols: no upgrade was asked for");
            } else if (status / 100 == 1) {
                fields = new Headers.Builder();
                state = State.STATUS; // 100 Continue and friends: the real head follows
            } else {
                startBody();
            }
        }
        return true;
    }

    /**
     * Consumes framing from {@code in} and returns how many of the bytes at its position are body bytes: more
     * than 0, take up to that many and report them with {@link #consumed}; 0, more input is needed; -1, the body
     * is complete.
     */
    long body(ByteBuffer in) throws IOException {
        while (true) {
            switch (state) {
                case FIXED, DATA:
                    if (remaining == 0) {
                        state = state == State.FIXED ? State.DONE : State.DATA_END;
                        continue;
                    }
                    return Math.min(remaining, in.remaining());
                case UNTIL_CLOSE:
                    return in.remaining();
                case SIZE: {
                    int n = readLine(in);
                    if (n < 0) {
                        return 0;
                    }
                    remaining = chunkSize(n);
                    state = remaining == 0 ? State.TRAILERS : State.DATA;
                    continue;
                }
                case DATA_END: {
                    int n = readLine(in);
                    if (n < 0) {
                        return 0;
                    }
                    if (n > 0) {
                        throw new ProtocolException("Malformed chunked body: no line end after a chunk");
                    }
                    state = State.SIZE;
                    continue;
                }
                case TRAILERS: {
                    int n = readLine(in);
                    if (n < 0) {
                        return 0;
                    }
                    if (n == 0) {
                        state = State.DONE;
                    }
                    continue;
                }
                case DONE:
                    return -1;
                default:
                    throw new IllegalStateException("body read before the head");
            }
        }
    }

    /** Reports that {@code n} body bytes were taken. */
    void consumed(long n) {
        if (state != State.UNTIL_CLOSE) {
            remaining -= n;
        }
    }

    /**
     * The connection closed: true if that ends the body (a body framed by the close), false if the response was
     * cut short.
     */
    boolean closed() {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            return true;
        }
        return state == State.DONE;
    }

    /** Whether any byte of the response arrived. */
    boolean started() {
        return headBytes > 0;
    }

    /** Whether the whole body was read. */
    boolean complete() {
        return state == State.DONE;
    }

    /** Whether the connection may carry another request once the body is complete. */
    boolean reusable() {
        return state == State.DONE && !closeRequested && !http10;
    }

    int status() {
        return status;
    }

    /** The head's fields; valid once {@link #head} returned true. */
    Headers headers() {
        return headers;
    }

    private void startBody() throws ProtocolException {
        headers = fields.build();
        closeRequested = false;
        for (String value : headers.allValues("connection")) {
            closeRequested |= containsIgnoreCase(value, "close");
        }
        List<String> encodings = nullIfEmpty(headers.allValues("transfer-encoding"));
        List<String> lengths = nullIfEmpty(headers.allValues("content-length"));
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (encodings != null) {
            if (!encodings.get(encodings.size() - 1).toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
                throw new ProtocolException("Unsupported transfer encoding " + encodings);
            }
            state = State.SIZE;
            closeRequested |= lengths != null; // both framings: RFC 9112 says to close after this response
        } else if (lengths != null) {
            remaining = contentLength(lengths.get(0));
            for (int i = 1; i < lengths.size() && remaining >= 0; i++) {
                if (contentLength(lengths.get(i)) != remaining) {
                    remaining = -1;
                }
            }
            if (remaining < 0) {
                throw new ProtocolException("Malformed Content-Length " + lengths);
            }
            state = State.FIXED;
        } else {
            state = State.UNTIL_CLOSE;
            closeRequested = true;
        }
    }

    /** A Content-Length value: digits only, spaces or tabs around them allowed; -1 when malformed or too large. */
    static long contentLength(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
            to--;
        }
        if (from == to || to - from > 18) { // 18 digits cannot overflow a long
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static boolean containsIgnoreCase(String value, String word) {
        for (int i = 0; i + word.length() <= value.length(); i++) {
            if (value.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> nullIfEmpty(List<String> values) {
        return values.isEmpty() ? null : values;
    }

    private void parseStatus(String text) throws ProtocolException {
        // HTTP/1.1 200 OK
        if (text.length() < 12 || !text.startsWith("HTTP/1.") || text.charAt(8) != ' '
                || (text.length() > 12 && text.charAt(12) != ' ')) {
            throw new ProtocolException("Not an HTTP/1.1 status line: " + printable(text));
        }
        http10 = text.charAt(7) == '0';
        status = 0;
        for (int i = 9; i < 12; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("Not an HTTP/1.1 status line: " + printable(text));
            }
            status = status * 10 + (c - '0');
        }
    }

    /**
     * The header field in the first {@code n} bytes of {@link #line}: its name and value made straight from the
     * bytes, blanks (anything up to a space) around each left out, as {@link String#trim()} would.
     */
    private void addField(int n) throws ProtocolException {
        int colon = indexOf(':', n);
        if (colon <= 0) {
            throw new ProtocolException("Malformed header line in the response: " + printable(lineText(n)));
        }
        fields.add(trimmed(0, colon), trimmed(colon + 1, n));
    }

    /** The size of the chunk whose size line is the first {@code n} bytes of {@link #line}; extensions ignored. */
    private long chunkSize(int n) throws ProtocolException {
        int end = indexOf(';', n);
        int from = firstNonBlank(0, end < 0 ? n : end);
        int to = endOfNonBlank(from, end < 0 ? n : end);
        if (from == to || to - from > 15) { // 15 hex digits cannot overflow a long
            throw new ProtocolException("Malformed chunk size: " + printable(lineText(n)));
        }
        long size = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(line[i] & 0xFF, 16);
            if (digit < 0) {
                throw new ProtocolException("Malformed chunk size: " + printable(lineText(n)));
            }
            size = size << 4 | digit;
        }
        return size;
    }

    private int indexOf(char c, int n) {
        for (int i = 0; i < n; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes {@code from} to {@code to} of {@link #line} as text, without the blanks around them. */
    private String trimmed(int from, int to) {
        int start = firstNonBlank(from, to);
        return new String(line, start, endOfNonBlank(start, to) - start, StandardCharsets.ISO_8859_1);
    }

    /** The index of the first byte of {@link #line} from {@code from} before {@code to} that is not blank, else to. */
    private int firstNonBlank(int from, int to) {
        while (from < to && blank(line[from])) {
            from++;
        }
        return from;
    }

    /** One past the last byte of {@link #line} before {@code to}, at or after {@code from}, that is not blank. */
    private int endOfNonBlank(int from, int to) {
        while (to > from && blank(line[to - 1])) {
            to--;
        }
        return to;
    }

    /** A byte {@link String#trim()} removes: a space or a control character. */
    private static boolean blank(byte b) {
        return (b & 0xFF) <= ' ';
    }

    private String lineText(int n) {
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads the next line into {@link #line} and returns its length without its CR LF, or -1 if it is not complete
     * yet (its start is kept).
     */
    private int readLine(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (state == State.STATUS || state == State.HEADERS) {
                if (++headBytes > MAX_HEAD) {
                    throw new ProtocolException("Response head larger than " + MAX_HEAD + " bytes");
                }
            }
            if (b == '\n') {
                int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                lineLength = 0;
                return n;
            }
            if (lineLength == line.length) {
                if (line.length >= MAX_LINE) {
                    throw new ProtocolException("Response line longer than " + MAX_LINE + " bytes");
                }
                line = Arrays.copyOf(line, Math.min(MAX_LINE, 2 * line.length));
            }
            line[lineLength++] = b;
        }
        return -1;
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "\"" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
