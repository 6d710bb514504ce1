package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SynthConfigTest {

    private static final Map<String, String> MINIMAL =
            Map.of("SYNTH_BASE_URL", "https://synth.example.com", "SYNTH_API_KEY", "sk-secret-123");

    @Test
    void readsEveryVariableWithDefaults() {
        SynthConfig config = SynthConfig.builder().environment(MINIMAL).build();
        assertThat(config.baseUrl()).isEqualTo("https://synth.example.com");
        assertThat(config.apiKey()).isEqualTo("sk-secret-123");
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void fallsBackToModalVariables() {
        SynthConfig config = SynthConfig.builder()
                .environment(Map.of("MODAL_BASE_URL", "https://modal.example.com", "MODAL_API_KEY", "mk"))
                .build();
        assertThat(config.baseUrl()).isEqualTo("https://modal.example.com");
        assertThat(config.apiKey()).isEqualTo("mk");
    }

    @Test
    void builderValuesWinOverTheEnvironment() {
        SynthConfig config = SynthConfig.builder().environment(Map.of("SYNTH_BASE_URL", "https://env.example.com",
                        "SYNTH_API_KEY", "env-key", "SYNTH_TIMEOUT", "5", "SYNTH_MAX_RETRIES", "9"))
                .baseUrl("https://custom-url.com").apiKey("custom-key").timeout(Duration.ofSeconds(60)).maxRetries(5)
                .build();
        assertThat(config.baseUrl()).isEqualTo("https://custom-url.com");
        assertThat(config.apiKey()).isEqualTo("custom-key");
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxRetries()).isEqualTo(5);
    }

    @Test
    void processEnvironmentWinsOverDotenvWhichFillsTheRest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "# Synth\nSYNTH_BASE_URL=https://dotenv.example.com\n"
                + "SYNTH_API_KEY=\"dotenv-key\"\nSYNTH_TIMEOUT=60.5\n");
        Environment env = Environment.of(Map.of("SYNTH_BASE_URL", "https://process.example.com"), dir);
        SynthConfig config = SynthConfig.builder().build(env);
        assertThat(config.baseUrl()).isEqualTo("https://process.example.com");
        assertThat(config.apiKey()).isEqualTo("dotenv-key");
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(60_500));
    }

    @Test
    void missingBaseUrlSaysWhichVariablesToSet() {
        assertThatThrownBy(() -> SynthConfig.builder().environment(Map.of("SYNTH_API_KEY", "k")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SYNTH_BASE_URL not found in environment"
                        + " (set it, or MODAL_BASE_URL, in the environment or a .env file)");
    }

    @Test
    void missingKeySaysWhichVariablesToSet() {
        assertThatThrownBy(() -> SynthConfig.builder().environment(Map.of("SYNTH_BASE_URL", "https://x.io")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SYNTH_API_KEY not found in environment"
                        + " (set it, or MODAL_API_KEY, in the environment or a .env file)");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"SYNTH_TIMEOUT,abc,not a valid timeout", "SYNTH_TIMEOUT,-3,not a valid timeout",
            "SYNTH_TIMEOUT,0,not a valid timeout", "SYNTH_MAX_RETRIES,-1,not a valid retry count",
            "SYNTH_MAX_RETRIES,2.5,not a valid retry count", "SYNTH_BASE_URL,ftp://x.io,not a valid base URL",
            "SYNTH_BASE_URL,synth.example.com,not a valid base URL"})
    void malformedValuesNameTheVariableTheValueAndWhatIsExpected(String variable, String value, String expected) {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put(variable, value);
        assertThatThrownBy(() -> SynthConfig.builder().environment(env).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + "=" + value + " is " + expected)
                .hasMessageContaining("use ");
    }

    @Test
    void aBaseUrlWithCredentialsIsRejectedWithoutEchoingThem() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put("SYNTH_BASE_URL", "https://user:sk-in-url-42@synth.example.com");
        assertThatThrownBy(() -> SynthConfig.builder().environment(env).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("SYNTH_BASE_URL must not contain credentials")
                .hasMessageNotContaining("sk-in-url-42");
        assertThatThrownBy(() -> SynthConfig.builder().baseUrl("http://k:secret-pw@127.0.0.1:8080"))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("secret-pw");
    }

    @Test
    void toStringNeverShowsTheKey() {
        SynthConfig config = SynthConfig.builder().environment(MINIMAL).build();
        assertThat(config.toString()).doesNotContain("sk-secret-123").contains("apiKey=****")
                .contains("https://synth.example.com");
        OpenAIConfig openai = OpenAIConfig.builder().environment(Map.of("OPENAI_API_KEY", "sk-openai-999")).build();
        assertThat(openai.toString()).doesNotContain("sk-openai-999").contains("apiKey=****");
    }

    @Test
    void openAiDefaultsMatchOpenAisOwnSdk() {
        OpenAIConfig config = OpenAIConfig.builder().environment(Map.of("OPENAI_API_KEY", "k")).build();
        assertThat(config.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(config.maxRetries()).isEqualTo(2);
        assertThatThrownBy(() -> OpenAIConfig.builder().environment(Map.of()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("OPENAI_API_KEY not found in environment (set it in the environment or a .env file)");
    }

    @Test
    void builderChecksEachSettingAtOnce() {
        assertThatThrownBy(() -> SynthConfig.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> SynthConfig.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> SynthConfig.builder().apiKey("a\r\nX-Evil: 1"))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("X-Evil");
    }
}
