package ai.synth.lm.testserver;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's "tokens": words, each a run of characters other than the ASCII whitespace of {@code \s} (space,
 * tab, line feed, vertical tab, form feed, carriage return), kept with the whitespace that follows it. Counting
 * and truncating scan the text once and make no piece, so a prompt of megabytes costs a pass over its characters.
 */
final class Words {

    private Words() {
    }

    /**
     * Splits text into pieces that concatenate back to it exactly: one word plus the whitespace after it each, the
     * first also holding the whitespace before it. Text without a word has no pieces.
     */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        if (text == null) {
            return pieces;
        }
        int start = 0;
        int end = nextWordEnd(text, 0);
        while (end >= 0) {
            int next = skipSpace(text, end);
            pieces.add(text.substring(start, next));
            start = next;
            end = nextWordEnd(text, next);
        }
        return pieces;
    }

    static int count(String text) {
        int words = 0;
        if (text != null) {
            for (int end = nextWordEnd(text, 0); end >= 0; end = nextWordEnd(text, end)) {
                words++;
            }
        }
        return words;
    }

    /** The first {@code max} words, without trailing whitespace; the text itself when it is that short. */
    static String truncate(String text, int max) {
        int end = 0;
        for (int words = 0; words < max; words++) {
            end = nextWordEnd(text, end);
            if (end < 0) {
                return text;
            }
        }
        if (nextWordEnd(text, end) < 0) {
            return text;
        }
        return text.substring(0, end).stripTrailing();
    }

    /** Where the first word at or after {@code from} ends (exclusive); -1 when there is none. */
    private static int nextWordEnd(String text, int from) {
        int i = skipSpace(text, from);
        if (i == text.length()) {
            return -1;
        }
        while (i < text.length() && !isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The whitespace of a regular expression's {@code \s}: no other character separates words. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
