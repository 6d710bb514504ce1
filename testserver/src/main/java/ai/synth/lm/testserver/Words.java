package ai.synth.lm.testserver;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The simulator's "tokens": whitespace-separated words, each kept with the whitespace that follows it. */
final class Words {

    private static final Pattern PIECE = Pattern.compile("\\s*\\S+\\s*");

    private Words() {
    }

    /** Splits text into pieces that concatenate back to it exactly: one word plus following whitespace each. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        if (text != null) {
            Matcher matcher = PIECE.matcher(text);
            while (matcher.find()) {
                pieces.add(matcher.group());
            }
        }
        return pieces;
    }

    static int count(String text) {
        return pieces(text).size();
    }

    /** The first {@code max} words, without trailing whitespace; the text itself when it is that short. */
    static String truncate(String text, int max) {
        List<String> pieces = pieces(text);
        if (pieces.size() <= max) {
            return text;
        }
        return String.join("", pieces.subList(0, max)).stripTrailing();
    }
}
