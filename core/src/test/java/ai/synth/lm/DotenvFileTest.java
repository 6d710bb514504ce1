package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.testserver.LocalBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .env} file as the providers read it: expansion, skipped lines and their warnings, strict mode. */
class DotenvFileTest {

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve(".env"), text, StandardCharsets.UTF_8);
    }

    @Test
    void anExpandedKeyReachesTheServer() throws Exception {
        write("B=sk-from-b\nSYNTH_API_KEY=${B}\nSYNTH_TIMEOUT=${T:-30}\n");
        try (LocalBackend backend = LocalBackend.builder().apiKey("sk-from-b").build().start()) {
            Environment env = Environment.of(Map.of("SYNTH_BASE_URL", backend.baseUrl()), dir);
            SynthConfig config = SynthConfig.builder().build(env);
            try (SynthProvider provider = new SynthProvider(config)) {
                provider.createChatCompletion("m", List.of(ChatMessage.user("Hi")));
            }
            assertThat(backend.requests().get(0).header("Authorization")).isEqualTo("Bearer sk-from-b");
            assertThat(config.timeout()).hasSeconds(30);
        }
    }

    @Test
    void aMalformedLineIsSkippedWithOneWarningNamingFileAndLineButNotItsText() throws Exception {
        Path file = write("SYNTH_BASE_URL=https://a.io\n\nsk-secret-999 is my key\nSYNTH_API_KEY=\"sk-secret-888\n");
        Environment env;
        try (LogCapture log = LogCapture.start()) {
            env = Environment.of(Map.of(), dir);
            assertThat(log.linesContaining("Skipped line")).isEqualTo(2);
            assertThat(log.text()).contains("Skipped line 3 of " + file + ": expected NAME=value")
                    .contains("Skipped line 4 of " + file + ": the value's double quote is never closed")
                    .contains(Environment.STRICT_VARIABLE + "=true").doesNotContain("sk-secret");
        }
        assertThat(env.get("SYNTH_BASE_URL")).isEqualTo("https://a.io");
        assertThat(env.get("SYNTH_API_KEY")).isNull();
        assertThat(env.dotenvFile()).isEqualTo(file);
        assertThat(env.skippedLines()).containsExactly("line 3: expected NAME=value",
                "line 4: the value's double quote is never closed");
    }

    @Test
    void strictModeFailsOnTheFirstMalformedLineWithoutQuotingIt() throws Exception {
        Path file = write("A=1\nsk-secret-999 is my key\n");
        assertThatThrownBy(() -> Environment.of(Map.of(Environment.STRICT_VARIABLE, "true"), dir))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Could not read " + file + ", line 2: expected NAME=value")
                .hasMessageNotContaining("sk-secret");
        assertThat(Environment.of(Map.of(Environment.STRICT_VARIABLE, "false"), dir).get("A")).isEqualTo("1");
    }

    @Test
    void aStrictSwitchThatIsNeitherTrueNorFalseIsRejected() throws Exception {
        write("A=1\n");
        assertThatThrownBy(() -> Environment.of(Map.of(Environment.STRICT_VARIABLE, "maybe"), dir))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("SYNTH_DOTENV_STRICT=maybe is not a valid switch: use true");
    }

    @Test
    void theProcessEnvironmentWinsAndEachValueKnowsWhereItCameFrom() throws Exception {
        write("# settings\nexport SYNTH_BASE_URL=https://file.io\r\nSYNTH_API_KEY='k-${USER_ID}'\r\n"
                + "MODAL_API_KEY=mk\r\n");
        Environment env = Environment.of(Map.of("SYNTH_BASE_URL", "https://process.io", "USER_ID", "42"), dir);
        assertThat(env.find("SYNTH_BASE_URL")).isEqualTo(
                new Environment.Found("SYNTH_BASE_URL", "https://process.io", "environment"));
        assertThat(env.find("SYNTH_API_KEY", "MODAL_API_KEY")).isEqualTo(
                new Environment.Found("SYNTH_API_KEY", "k-42", ".env line 3"));
        assertThat(env.find("SYNTH_TIMEOUT")).isNull();
        assertThat(env.find("SYNTH_API_KEY").toString()).doesNotContain("k-42");
    }

    @Test
    void aFileThatIsNotUtf8FailsWithTheFix() throws Exception {
        Files.write(dir.resolve(".env"), new byte[] {'A', '=', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> Environment.of(Map.of(), dir)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not UTF-8 text; save it as UTF-8");
    }
}
