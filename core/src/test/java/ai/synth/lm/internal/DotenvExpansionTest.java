package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in {@code .env} values, as python-dotenv's {@code load_dotenv()}
 * expands them: the process environment first, then the file's earlier lines, then the default, else empty.
 */
class DotenvExpansionTest {

    private static Map<String, String> read(String text, Map<String, String> process) {
        Map<String, String> values = new LinkedHashMap<>();
        DotenvExpansion.expand(DotenvParser.parse(text).bindings(), process)
                .forEach((name, b) -> values.put(name, b.value()));
        return values;
    }

    static Stream<Arguments> cases() {
        Map<String, String> bIsC = Map.of("B", "c");
        return Stream.of(
                Arguments.of("from the process", bIsC, "A=${B}", Map.of("A", "c")),
                Arguments.of("default unused when set", bIsC, "A=${B:-d}", Map.of("A", "c")),
                Arguments.of("from an earlier line", Map.of(), "B=c\nA=${B}", Map.of("B", "c", "A", "c")),
                Arguments.of("undefined", Map.of(), "A=${B}", Map.of("A", "")),
                Arguments.of("undefined with default", Map.of(), "A=${B:-d}", Map.of("A", "d")),
                Arguments.of("empty default", Map.of(), "A=${B:-}", Map.of("A", "")),
                Arguments.of("default with a colon", Map.of(), "A=${B:-x:y}", Map.of("A", "x:y")),
                Arguments.of("in double quotes", bIsC, "A=\"${B}\"", Map.of("A", "c")),
                Arguments.of("in single quotes too", bIsC, "A='${B}'", Map.of("A", "c")),
                Arguments.of("with text around", bIsC, "A=x${B}y", Map.of("A", "xcy")),
                Arguments.of("twice", bIsC, "A=${B}${B}", Map.of("A", "cc")),
                Arguments.of("several", Map.of(), "A=x${B}y${C:-c}z", Map.of("A", "xycz")),
                Arguments.of("self, from the process", Map.of("A", "b"), "A=${A}", Map.of("A", "b")),
                Arguments.of("self, unset", Map.of(), "A=${A}", Map.of("A", "")),
                Arguments.of("self with default", Map.of(), "A=${A:-c}", Map.of("A", "c")),
                Arguments.of("the process wins over the file", bIsC, "B=d\nA=${B}", Map.of("B", "d", "A", "c")),
                Arguments.of("a later duplicate wins", Map.of(), "A=b\nA=c\nD=${A}", Map.of("A", "c", "D", "c")),
                Arguments.of("redefined mid-file", Map.of(), "A=b\nC=${A}\nD=e\nC=${D}",
                        Map.of("A", "b", "C", "e", "D", "e")),
                Arguments.of("a later line is not seen", Map.of(), "A=${B}\nB=1", Map.of("A", "", "B", "1")),
                Arguments.of("set but empty beats the default", Map.of("B", ""), "A=${B:-d}", Map.of("A", "")),
                Arguments.of("a name without value expands to empty", Map.of(), "B\nA=${B:-d}", Map.of("A", "")),
                Arguments.of("a name without value unsets", Map.of(), "B=1\nB\nA=${B:-d}", Map.of("A", "")),
                Arguments.of("no braces, no expansion", bIsC, "A=$B", Map.of("A", "$B")),
                Arguments.of("a colon without dash", bIsC, "A=${B:c}", Map.of("A", "${B:c}")),
                Arguments.of("no name", Map.of(), "A=${}", Map.of("A", "")),
                Arguments.of("not expanded twice", Map.of("B", "${C}", "C", "x"), "A=${B}", Map.of("A", "${C}")),
                Arguments.of("a key", Map.of(), "B=c\nSYNTH_API_KEY=${B}", Map.of("B", "c", "SYNTH_API_KEY", "c")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("cases")
    void expandsLikeLoadDotenv(String label, Map<String, String> process, String text, Map<String, String> expected) {
        assertThat(read(text, process)).isEqualTo(expected);
    }
}
