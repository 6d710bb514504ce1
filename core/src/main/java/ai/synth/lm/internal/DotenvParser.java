package ai.synth.lm.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code .env} files the way dotenv users expect (python-dotenv, the Node and Ruby ports): {@code NAME=value}
 * lines, blank lines and {@code #} comments, an optional {@code export} prefix, single quotes (literal) and double
 * quotes (with {@code \n}, {@code \t}, {@code \"} and {@code \\} escapes) that may span lines, inline comments after
 * unquoted values, LF, CRLF or CR line ends, a leading UTF-8 BOM, and later duplicates winning.
 *
 * <p>A malformed line fails with its line number; the line itself is never quoted, as it may hold a secret.
 */
final class DotenvParser {

    /** A line of a {@code .env} file that is not valid. */
    static final class MalformedLine extends Exception {
        final int line;

        MalformedLine(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
            this.line = line;
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private DotenvParser(String text) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The variables of a {@code .env} file's text, in order. */
    static Map<String, String> parse(String text) throws MalformedLine {
        return new DotenvParser(text).entries();
    }

    private Map<String, String> entries() throws MalformedLine {
        Map<String, String> values = new LinkedHashMap<>();
        while (pos < text.length()) {
            skipSpaces();
            if (atLineEnd()) {
                nextLine();
                continue;
            }
            if (peek() == '#') {
                skipToLineEnd();
                continue;
            }
            if (text.startsWith("export", pos) && pos + 6 < text.length()
                    && (text.charAt(pos + 6) == ' ' || text.charAt(pos + 6) == '\t')) {
                pos += 6;
                skipSpaces();
            }
            int startLine = line;
            String name = name();
            skipSpaces();
            if (pos >= text.length() || peek() != '=') {
                throw new MalformedLine(startLine, "expected NAME=value");
            }
            pos++;
            skipSpaces();
            values.put(name, value(startLine));
        }
        return values;
    }

    private String name() throws MalformedLine {
        int start = pos;
        while (pos < text.length()) {
            char c = peek();
            boolean ok = Character.isLetter(c) || c == '_' || (pos > start && (Character.isDigit(c) || c == '.' || c == '-'));
            if (!ok) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw new MalformedLine(line, "expected a variable name (letters, digits and _) before '='");
        }
        return text.substring(start, pos);
    }

    private String value(int startLine) throws MalformedLine {
        if (pos >= text.length() || atLineEnd()) {
            return "";
        }
        char quote = peek();
        if (quote == '"' || quote == '\'') {
            pos++;
            String value = quoted(quote, startLine);
            skipSpaces();
            if (!atLineEnd() && peek() != '#') {
                throw new MalformedLine(line, "unexpected text after the closing quote");
            }
            skipToLineEnd();
            return value;
        }
        int start = pos;
        int end = pos;
        while (pos < text.length() && !atLineEnd()) {
            char c = peek();
            if (c == '#' && pos > start && Character.isWhitespace(text.charAt(pos - 1))) {
                break;
            }
            pos++;
            if (!Character.isWhitespace(c)) {
                end = pos;
            }
        }
        skipToLineEnd();
        return text.substring(start, end);
    }

    private String quoted(char quote, int startLine) throws MalformedLine {
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\' && quote == '"' && pos < text.length()) {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '"', '\\' -> out.append(e);
                    default -> out.append('\\').append(e);
                }
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
                    pos++;
                }
                line++;
                out.append('\n');
                continue;
            }
            out.append(c);
        }
        throw new MalformedLine(startLine, "the value's " + (quote == '"' ? "double" : "single")
                + " quote is never closed");
    }

    private char peek() {
        return text.charAt(pos);
    }

    private boolean atLineEnd() {
        return pos >= text.length() || peek() == '\n' || peek() == '\r';
    }

    private void skipSpaces() {
        while (pos < text.length() && (peek() == ' ' || peek() == '\t')) {
            pos++;
        }
    }

    private void skipToLineEnd() {
        while (pos < text.length() && !atLineEnd()) {
            pos++;
        }
        nextLine();
    }

    private void nextLine() {
        if (pos < text.length()) {
            if (peek() == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos++;
            }
            pos++;
            line++;
        }
    }
}
