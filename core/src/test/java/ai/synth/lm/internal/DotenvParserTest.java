package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code .env} syntax, case by case, with the values python-dotenv reads from the same text (its documented
 * rules and the cases of its own test suite, checked against python-dotenv 1.2 by hand).
 */
class DotenvParserTest {

    /** Every name that has a value, after parsing alone (no expansion), later duplicates winning. */
    private static Map<String, String> values(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (DotenvParser.Binding b : DotenvParser.parse(text).bindings()) {
            values.put(b.name(), b.value());
        }
        return values;
    }

    private static List<Integer> malformedLines(String text) {
        return DotenvParser.parse(text).malformed().stream().map(DotenvParser.Malformed::line).toList();
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("a=b", "a"),
                Arguments.of("'a'=b", "a"),
                Arguments.of("'a b'=c", "a b"),
                Arguments.of("[=b", "["),
                Arguments.of("uglyKey[%$=b", "uglyKey[%$"),
                Arguments.of("a'b=c", "a'b"),
                Arguments.of(" a = b ", "a"),
                Arguments.of("export a=b", "a"),
                Arguments.of("export\ta=b", "a"),
                Arguments.of(" export 'a'=b", "a"),
                Arguments.of("export export_a=1", "export_a"),
                Arguments.of("export=1", "export"),
                Arguments.of("\u0085a=b", "a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void namesAreUnquotedRunsWithPunctuationOrSingleQuoted(String text, String name) {
        assertThat(values(text)).containsOnlyKeys(name);
    }

    static Stream<Arguments> unquoted() {
        return Stream.of(
                Arguments.of("a=b", "b"),
                Arguments.of("a=b#c", "b#c"),
                Arguments.of("a=b #c", "b"),
                Arguments.of("a=b\t#c", "b"),
                Arguments.of("a=b\u00a0#c", "b"),
                Arguments.of("a=  # c", "# c"),
                Arguments.of("a=b c", "b c"),
                Arguments.of("a=b\tc", "b\tc"),
                Arguments.of("a=b  c", "b  c"),
                Arguments.of("a=b\u00a0 c", "b\u00a0 c"),
                Arguments.of("a=b c ", "b c"),
                Arguments.of("a=b\u000bc \u000b", "b\u000bc"),
                Arguments.of("a= \t", ""),
                Arguments.of("a=", ""),
                Arguments.of("a=à", "à"),
                Arguments.of("a=b\\nc", "b\\nc"),
                Arguments.of("a=https://x.io/#frag", "https://x.io/#frag"),
                Arguments.of("a=1\u2028b=2", "1\u2028b=2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unquoted")
    void unquotedValuesRunToTheLineEndOrToASpacedHash(String text, String value) {
        assertThat(values(text)).containsExactly(Map.entry("a", value));
    }

    static Stream<Arguments> quoted() {
        return Stream.of(
                Arguments.of("a='b c '", "b c "),
                Arguments.of("a=\"b c \"", "b c "),
                Arguments.of("a=''", ""),
                Arguments.of("a='b\nc'", "b\nc"),
                Arguments.of("a=\"b\nc\"", "b\nc"),
                Arguments.of("a=\"b\\nc\"", "b\nc"),
                Arguments.of("a='b\\nc'", "b\\nc"),
                Arguments.of("a=\"b\\\"c\"", "b\"c"),
                Arguments.of("a='b\\'c'", "b'c"),
                Arguments.of("a='b\\\\c'", "b\\c"),
                Arguments.of("a='a\\\\'", "a\\"),
                Arguments.of("a=\"x\\a\\b\\f\\r\\t\\v\\'\\q\\\\n\"", "x\u0007\b\f\r\t\u000b'\\q\\n"),
                Arguments.of("a='$HOME #x'", "$HOME #x"),
                Arguments.of("a=\"two words # not a comment\"", "two words # not a comment"),
                Arguments.of("a=\"b\" # comment", "b"),
                Arguments.of("a='b'#comment", "b"),
                Arguments.of("a=\"à\"", "à"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quoted")
    void quotedValuesDecodeTheirOwnEscapesAndMaySpanLines(String text, String value) {
        assertThat(values(text)).containsExactly(Map.entry("a", value));
    }

    @ParameterizedTest(name = "line end {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void everyLineEndSeparatesStatementsAndReadsAsLfInsideQuotes(String end) {
        String text = "a=b" + end + "# c" + end + end + "c='x" + end + "y'" + end + "d=e" + end;
        assertThat(values(text)).containsExactly(Map.entry("a", "b"), Map.entry("c", "x\ny"), Map.entry("d", "e"));
        assertThat(DotenvParser.parse(text).bindings()).extracting(DotenvParser.Binding::line)
                .containsExactly(1, 4, 6);
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() {
        assertThat(values("\uFEFFa=b\nc=d")).containsExactly(Map.entry("a", "b"), Map.entry("c", "d"));
    }

    @Test
    void aNameWithoutEqualsHasNoValueAndACommentMayFollowIt() {
        assertThat(DotenvParser.parse("no_value_var\nb #c\na#b=c").bindings()).containsExactly(
                new DotenvParser.Binding("no_value_var", null, 1), new DotenvParser.Binding("b", null, 2),
                new DotenvParser.Binding("a", null, 3));
        assertThat(malformedLines("no_value_var\nb #c\na#b=c")).isEmpty();
    }

    @Test
    void commentsAndBlankLinesAreNotStatements() {
        assertThat(values("# a=b\n\n   \n\t# c\n")).isEmpty();
        assertThat(malformedLines("# a=b\n\n   \n\t# c\n")).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("a: b", List.of(1), Map.of()),
                Arguments.of("not a binding: x\nb=2", List.of(1), Map.of("b", "2")),
                Arguments.of("a=1\n\n\ngarbage line here\nb=2", List.of(4), Map.of("a", "1", "b", "2")),
                Arguments.of("a=1\n=value\nc=3", List.of(2), Map.of("a", "1", "c", "3")),
                Arguments.of("export =1\nb=2", List.of(1), Map.of("b", "2")),
                Arguments.of("''=x\nb=1", List.of(1), Map.of("b", "1")),
                Arguments.of("'a=x\nb=1", List.of(1), Map.of("b", "1")),
                Arguments.of("a=\"\nb=c", List.of(1), Map.of("b", "c")),
                Arguments.of("a='x\\'y\nb=c", List.of(1), Map.of("b", "c")),
                Arguments.of("a=\"x\"junk\nb=2", List.of(1), Map.of("b", "2")),
                Arguments.of("a='x' trailing\nb=2", List.of(1), Map.of("b", "2")),
                Arguments.of("a=\"a\nb\" junk\nc=3", List.of(1), Map.of("c", "3")),
                // An unclosed quote runs on to the next quote in the file, as in python-dotenv.
                Arguments.of("a=\"open\nb=2\nc=\"z\"", List.of(1), Map.of()),
                Arguments.of("a='a\\\\'\nb='x'", List.of(1), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedStatementIsSkippedAndTheRestIsRead(String text, List<Integer> lines, Map<String, String> rest) {
        assertThat(malformedLines(text)).isEqualTo(lines);
        assertThat(values(text)).isEqualTo(rest);
    }

    @Test
    void theReasonForASkippedLineNeverQuotesIt() {
        List<DotenvParser.Malformed> bad = DotenvParser.parse(
                "SYNTH_API_KEY sk-secret-999\nK=\"sk-secret-888\nK='sk-secret-777' x\n").malformed();
        assertThat(bad).extracting(DotenvParser.Malformed::reason).containsExactly("expected NAME=value",
                "the value's double quote is never closed", "unexpected text after the value");
        assertThat(bad.toString()).doesNotContain("sk-secret");
    }

    @Test
    void statementsKnowTheLineTheyStartOn() {
        String text = "# header\n\na=1\nb=\"x\ny\"\n  c=2\n";
        assertThat(DotenvParser.parse(text).bindings()).extracting(DotenvParser.Binding::line)
                .containsExactly(3, 4, 6);
    }
}
