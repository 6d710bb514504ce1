package ai.synth.lm.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text of a {@code .env} file by python-dotenv's rules, so that a file written for the Python library
 * gives the same values here:
 *
 * <ul>
 *   <li>Names are unquoted (any run of characters but {@code =}, {@code #} and white space, so {@code [}, {@code %}
 *       and {@code $} are allowed) or single-quoted ({@code 'NAME'=value}); {@code export } before the name is
 *       ignored.</li>
 *   <li>Unquoted values run to the end of the line; white space and a {@code #} start a comment; trailing white
 *       space is dropped.</li>
 *   <li>Single-quoted values take {@code \\} and {@code \'}; double-quoted ones also take {@code \"}, {@code \a},
 *       {@code \b}, {@code \f}, {@code \n}, {@code \r}, {@code \t} and {@code \v}. Any other backslash stays as
 *       written. Both kinds may span lines, and may be followed by a comment.</li>
 *   <li>A name alone ({@code NAME}, no {@code =}) has no value; {@code NAME=} has the empty value.</li>
 *   <li>Line ends are LF, CRLF or CR (read as LF, as Python reads a text file); a leading byte-order mark is
 *       dropped.</li>
 * </ul>
 *
 * <p>A statement that does not follow these rules is not fatal: it is reported as malformed, with its line and
 * what was wrong (never its text, which may hold a secret), and reading goes on at the next line. Expansion of
 * {@code ${NAME}} is not done here but in {@link DotenvExpansion}.
 */
final class DotenvParser {

    /**
     * One assignment.
     *
     * @param name the variable name
     * @param value the value as written, escapes decoded; null for a name without {@code =}
     * @param line the line the statement starts on, from 1
     */
    record Binding(String name, String value, int line) {}

    /**
     * A statement that was skipped.
     *
     * @param line the line it starts on, from 1
     * @param reason what was wrong, without any of the line's text
     */
    record Malformed(int line, String reason) {}

    /**
     * What a file holds.
     *
     * @param bindings the assignments in file order, duplicates included
     * @param malformed the statements skipped, in file order
     */
    record Result(List<Binding> bindings, List<Malformed> malformed) {}

    /** Thrown inside the parser when a statement does not parse; caught per statement. */
    private static final class Failure extends Exception {
        private Failure(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private DotenvParser(String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.text = body.replace("\r\n", "\n").replace('\r', '\n');
    }

    /** The statements of a {@code .env} file's text. */
    static Result parse(String text) {
        return new DotenvParser(text).statements();
    }

    private Result statements() {
        List<Binding> bindings = new ArrayList<>();
        List<Malformed> malformed = new ArrayList<>();
        while (pos < text.length()) {
            skip(DotenvParser::isSpace); // blank lines and leading white space
            if (pos >= text.length()) {
                break;
            }
            int start = line;
            try {
                Binding binding = statement(start);
                if (binding != null) {
                    bindings.add(binding);
                }
            } catch (Failure e) {
                malformed.add(new Malformed(start, e.getMessage()));
                skipRestOfLine();
            }
        }
        return new Result(List.copyOf(bindings), List.copyOf(malformed));
    }

    /** One statement from a non-blank position through its line end; null for a comment. */
    private Binding statement(int start) throws Failure {
        skipExport();
        String name = name();
        skip(DotenvParser::isBlank);
        String value = null;
        if (peek() == '=') {
            pos++;
            skip(DotenvParser::isBlank);
            value = value();
        }
        skipComment();
        skip(DotenvParser::isBlank);
        if (pos < text.length()) {
            if (peek() != '\n') {
                throw new Failure(name == null || value != null ? "unexpected text after the value"
                        : "expected NAME=value");
            }
            advanceTo(pos + 1);
        }
        return name == null ? null : new Binding(name, value, start);
    }

    private void skipExport() {
        int after = pos + "export".length();
        if (text.startsWith("export", pos) && after < text.length() && isBlank(text.charAt(after))) {
            pos = after;
            skip(DotenvParser::isBlank);
        }
    }

    /** The name, or null at a comment. */
    private String name() throws Failure {
        char c = peek();
        if (c == '#') {
            return null;
        }
        if (c == '\'') {
            int close = text.indexOf('\'', pos + 1);
            if (close < 0 || close == pos + 1) {
                throw new Failure(close < 0 ? "the quoted name is never closed" : "the quoted name is empty");
            }
            String name = text.substring(pos + 1, close);
            advanceTo(close + 1);
            return name;
        }
        int start = pos;
        while (pos < text.length() && !isNameEnd(peek())) {
            pos++;
        }
        if (pos == start) {
            throw new Failure("expected a variable name before '='");
        }
        return text.substring(start, pos);
    }

    private String value() throws Failure {
        char c = peek();
        if (c == '\'' || c == '"') {
            return quoted(c);
        }
        if (pos >= text.length() || c == '\n') {
            return "";
        }
        int start = pos;
        while (pos < text.length() && peek() != '\n') {
            pos++;
        }
        return unquoted(text.substring(start, pos));
    }

    /** An unquoted value: cut at the first white space run followed by {@code #}, then right-trimmed. */
    static String unquoted(String raw) {
        int end = raw.length();
        for (int i = 0; i < raw.length(); i++) {
            if (isSpace(raw.charAt(i))) {
                int j = i;
                while (j < raw.length() && isSpace(raw.charAt(j))) {
                    j++;
                }
                if (j < raw.length() && raw.charAt(j) == '#') {
                    end = i;
                    break;
                }
                i = j;
            }
        }
        while (end > 0 && isSpace(raw.charAt(end - 1))) {
            end--;
        }
        return raw.substring(0, end);
    }

    /**
     * A quoted value starting at its opening quote. An escaped quote does not close it; when no plain quote
     * closes it, the quote of the last escaped one does (python-dotenv's pattern settles on that by
     * backtracking: {@code 'a\\'} is {@code a\}).
     */
    private String quoted(char quote) throws Failure {
        int close = -1;
        int lastEscaped = -1;
        for (int i = pos + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == quote) {
                lastEscaped = ++i;
            } else if (c == quote) {
                close = i;
                break;
            }
        }
        if (close < 0) {
            close = lastEscaped;
        }
        if (close < 0) {
            throw new Failure("the value's " + (quote == '"' ? "double" : "single") + " quote is never closed");
        }
        String raw = text.substring(pos + 1, close);
        advanceTo(close + 1);
        return quote == '"' ? DotenvEscapes.doubleQuoted(raw) : DotenvEscapes.singleQuoted(raw);
    }

    private void skipComment() {
        int p = pos;
        while (p < text.length() && isBlank(text.charAt(p))) {
            p++;
        }
        if (p < text.length() && text.charAt(p) == '#') {
            pos = p;
            while (pos < text.length() && peek() != '\n') {
                pos++;
            }
        }
    }

    private void skipRestOfLine() {
        int end = text.indexOf('\n', pos);
        advanceTo(end < 0 ? text.length() : end + 1);
    }

    /** The next character, or 0 at the end. */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skip(CharTest test) {
        int p = pos;
        while (p < text.length() && test.matches(text.charAt(p))) {
            p++;
        }
        advanceTo(p);
    }

    /** Moves to {@code to}, counting the line ends passed. */
    private void advanceTo(int to) {
        for (int i = pos; i < to; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        pos = to;
    }

    private static boolean isNameEnd(char c) {
        return c == '=' || c == '#' || isSpace(c);
    }

    /** White space within a line. */
    private static boolean isBlank(char c) {
        return c != '\n' && isSpace(c);
    }

    /** White space as Python's {@code str.isspace()} and {@code \s} see it. */
    static boolean isSpace(char c) {
        return (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= ' ') || c == '\u0085' || c == '\u00a0'
                || c == '\u1680' || (c >= '\u2000' && c <= '\u200a') || c == '\u2028' || c == '\u2029'
                || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }

    @FunctionalInterface
    private interface CharTest {
        boolean matches(char c);
    }
}
