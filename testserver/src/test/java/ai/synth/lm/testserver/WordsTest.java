package ai.synth.lm.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WordsTest {

    /** The definition the scanning code must keep: a word and the whitespace around it, as a regular expression. */
    private static final Pattern PIECE = Pattern.compile("\\s*\\S+\\s*");
    private static final String ALPHABET = "ab \t\n\u000B\f\r\u00A0\u2003\u001Céx\uD83D\uDE00";

    @Test
    void splitsIntoWordsWithTheWhitespaceAfterEach() {
        assertThat(Words.pieces("  Hello,  big\tworld \n")).containsExactly("  Hello,  ", "big\t", "world \n");
        assertThat(Words.count("  Hello,  big\tworld \n")).isEqualTo(3);
        assertThat(Words.truncate("  Hello,  big\tworld \n", 2)).isEqualTo("  Hello,  big");
        assertThat(Words.truncate("one two", 2)).isEqualTo("one two");
    }

    @Test
    void textWithoutWordsHasNone() {
        assertThat(Words.pieces(null)).isEmpty();
        assertThat(Words.count(null)).isZero();
        assertThat(Words.pieces(" \r\n")).isEmpty();
        assertThat(Words.count("")).isZero();
    }

    @Test
    void countsSplitsAndTruncatesAsTheRegularExpressionDoes() {
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            String text = randomText(random, random.nextInt(24));
            List<String> expected = regexPieces(text);
            int max = 1 + random.nextInt(6);
            assertThat(Words.pieces(text)).as("pieces of [%s]", text).isEqualTo(expected);
            assertThat(Words.count(text)).as("count of [%s]", text).isEqualTo(expected.size());
            assertThat(Words.truncate(text, max)).as("first %d of [%s]", max, text)
                    .isEqualTo(expected.size() <= max ? text
                            : String.join("", expected.subList(0, max)).stripTrailing());
        }
    }

    @Test
    void countsAndTruncatesAPromptOfTwoMillionWords() {
        String prompt = "word ".repeat(2_000_000);
        assertThat(Words.count(prompt)).isEqualTo(2_000_000);
        assertThat(Words.truncate(prompt, 3)).isEqualTo("word word word");
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(ALPHABET.length() - 1);
            if (Character.isHighSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET, at, at + 2);
            } else if (!Character.isLowSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET.charAt(at));
            }
        }
        return text.toString();
    }

    private static List<String> regexPieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher matcher = PIECE.matcher(text);
        while (matcher.find()) {
            pieces.add(matcher.group());
        }
        return pieces;
    }
}
