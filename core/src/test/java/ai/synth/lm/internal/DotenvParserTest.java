package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DotenvParserTest {

    @Test
    void readsWhatDotenvUsersWrite() throws Exception {
        String text = """
                # Synth configuration
                SYNTH_BASE_URL=https://your-synth-url.modal.run
                export SYNTH_API_KEY=sk-123
                SYNTH_TIMEOUT = 60   # seconds
                DOUBLE="two words # not a comment"
                SINGLE='literal \\n $HOME'
                ESCAPED="line1\\nline2 \\"quoted\\""
                MULTI="first
                second"
                EMPTY=
                URL_WITH_HASH=https://x.io/#frag
                SPACED =  padded value  \t
                """;
        Map<String, String> env = DotenvParser.parse(text);
        assertThat(env).containsEntry("SYNTH_BASE_URL", "https://your-synth-url.modal.run")
                .containsEntry("SYNTH_API_KEY", "sk-123")
                .containsEntry("SYNTH_TIMEOUT", "60")
                .containsEntry("DOUBLE", "two words # not a comment")
                .containsEntry("SINGLE", "literal \\n $HOME")
                .containsEntry("ESCAPED", "line1\nline2 \"quoted\"")
                .containsEntry("MULTI", "first\nsecond")
                .containsEntry("EMPTY", "")
                .containsEntry("URL_WITH_HASH", "https://x.io/#frag")
                .containsEntry("SPACED", "padded value")
                .hasSize(10);
    }

    @ParameterizedTest(name = "line ends {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void acceptsEveryLineEnd(String end) throws Exception {
        String text = "A=1" + end + "# c" + end + end + "B='x'" + end + "C=\"y" + end + "z\"" + end;
        assertThat(DotenvParser.parse(text)).containsExactly(Map.entry("A", "1"), Map.entry("B", "x"),
                Map.entry("C", "y\nz"));
    }

    @Test
    void ignoresALeadingByteOrderMarkAndLetsLaterDuplicatesWin() throws Exception {
        assertThat(DotenvParser.parse("\uFEFFA=1\nB=2\nA=3\n")).containsEntry("A", "3").containsEntry("B", "2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "A=1\\ngarbage line here\\nB=2|line 2: expected NAME=value",
            "A=1\\n=value|line 2: expected a variable name",
            "A=1\\nB=\"unclosed\\nC=3|line 2: the value's double quote is never closed",
            "A='x' trailing|line 1: unexpected text after the closing quote",
            "\\n\\n1ABC=x|line 3: expected a variable name"})
    void malformedLinesFailWithTheirLineNumber(String text, String message) {
        assertThatThrownBy(() -> DotenvParser.parse(text.replace("\\n", "\n")))
                .isInstanceOf(DotenvParser.MalformedLine.class).hasMessageStartingWith(message);
    }

    @Test
    void aMalformedFileNamesTheFileAndLineButNeverQuotesIt(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(".env"), "SYNTH_API_KEY sk-secret-999\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Environment.of(Map.of(), dir))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dir.resolve(".env").toString() + ", line 1: expected NAME=value")
                .hasMessageNotContaining("sk-secret-999");
    }

    @Test
    void readsAFileWithCrlfAndABom(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(".env"), "\uFEFFexport SYNTH_BASE_URL=https://a.io\r\nSYNTH_API_KEY=\"k\"\r\n"
                .getBytes(StandardCharsets.UTF_8));
        Environment env = Environment.of(Map.of("SYNTH_API_KEY", "from-process"), dir);
        assertThat(env.get("SYNTH_BASE_URL")).isEqualTo("https://a.io");
        assertThat(env.get("SYNTH_API_KEY")).isEqualTo("from-process");
    }
}
