package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SynthLMTest {

    private static final String KEY = "sk-synthlm-70ab";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));
    private static final String SUPPORTED = "supported settings are base_url, api_key, timeout, connect_timeout, max_retries";

    private LocalBackend backend;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(2).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
        Warmer.clearCache();
    }

    private String openaiBase() {
        return backend.baseUrl() + "/v1";
    }

    @Test
    void createsAnOpenAiProviderFromSnakeCaseOverrides() {
        try (UnifiedLMProvider provider = SynthLM.createProvider("openai", Map.of("api_key", KEY, "base_url", openaiBase()))) {
            assertThat(provider).isInstanceOf(OpenAIProvider.class);
            assertThat(provider.name()).isEqualTo("openai");

            ChatCompletion response = provider.createChatCompletion("gpt-4o-mini", HELLO);

            assertThat(response.model()).isEqualTo("gpt-4o-mini");
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
            assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        }
    }

    @Test
    void camelCaseOverrideNamesWorkToo() {
        try (UnifiedLMProvider provider = SynthLM.createProvider("OpenAI",
                Map.of("apiKey", KEY, "baseUrl", openaiBase(), "maxRetries", 0, "connectTimeout", 5))) {
            backend.enqueue(Fault.status(503));
            ApiException e = catchThrowableOfType(ApiException.class,
                    () -> provider.createChatCompletion("gpt-4o-mini", HELLO));
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.attempts()).isEqualTo(1);
        }
    }

    @Test
    void createsASynthProviderFromOverrides() {
        try (UnifiedLMProvider provider = SynthLM.createProvider("synth", Map.of("api_key", KEY,
                "base_url", backend.baseUrl(), "timeout", 30, "max_retries", 0))) {
            assertThat(provider).isInstanceOf(SynthProvider.class);
            assertThat(provider.createChatCompletion(MODEL, HELLO).content()).contains("Hello!");
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
        }
    }

    @Test
    void timeoutIsSecondsAsANumberOrADuration() {
        Map<String, Object> settings = new HashMap<>(Map.of("api_key", KEY, "base_url", openaiBase()));
        for (Object timeout : List.of(30, 30L, 30.0, "30", Duration.ofSeconds(30))) {
            settings.put("timeout", timeout);
            try (UnifiedLMProvider provider = SynthLM.createProvider("openai", settings)) {
                assertThat(provider.createChatCompletion("gpt-4o-mini", HELLO).model()).isEqualTo("gpt-4o-mini");
            }
        }
        settings.put("timeout", 0.25);
        backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(5)));
        settings.put("max_retries", 0);
        try (UnifiedLMProvider provider = SynthLM.createProvider("openai", settings)) {
            RequestTimeoutException e = catchThrowableOfType(
                    RequestTimeoutException.class, () -> provider.createChatCompletion("gpt-4o-mini", HELLO));
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void maxRetriesLimitsTheAttempts() {
        // createProvider takes no scheduler, so the backend asks for a 1-microsecond wait instead of the backoff.
        for (int i = 0; i < 3; i++) {
            backend.enqueue(Fault.status(500).withHeader("retry-after-ms", "0.001"));
        }
        try (UnifiedLMProvider provider = SynthLM.createProvider("openai",
                Map.of("api_key", KEY, "base_url", openaiBase(), "max_retries", 1))) {
            ApiException e = catchThrowableOfType(ApiException.class,
                    () -> provider.createChatCompletion("gpt-4o-mini", HELLO));
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.attempts()).isEqualTo(2);
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(2);
        }
        try (UnifiedLMProvider provider = SynthLM.createProvider("openai",
                Map.of("api_key", KEY, "base_url", openaiBase(), "max_retries", "0"))) {
            assertThat(catchThrowableOfType(ApiException.class,
                    () -> provider.createChatCompletion("gpt-4o-mini", HELLO)).attempts()).isEqualTo(1);
        }
    }

    @Test
    void anUnknownSettingIsRejectedNamingTheSupportedOnes() {
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", KEY, "temperature", 0.7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown setting \"temperature\": " + SUPPORTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base_url", "api_key", "timeout", "connect_timeout", "max_retries", "baseUrl", "maxRetries"})
    void aValueOfTheWrongTypeIsRejectedNamingTheSetting(String key) {
        String name = key.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        Map<String, Object> settings = new HashMap<>(Map.of("api_key", KEY, "base_url", openaiBase()));
        settings.put(key, Boolean.TRUE);
        assertThatThrownBy(() -> SynthLM.createProvider("openai", settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + " must be ")
                .hasMessageEndingWith(", was Boolean");
    }

    @Test
    void theWrongTypeMessageSaysWhatIsExpected() {
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", 42)))
                .hasMessage("api_key must be a String, was Integer");
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", KEY, "timeout", true)))
                .hasMessage("timeout must be seconds (a number) or a Duration, was Boolean");
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", KEY, "max_retries", true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_retries must be a whole number from 0 to 100, was Boolean");
    }

    @Test
    void aFractionalRetryCountIsRejectedRatherThanTruncated() {
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", KEY, "max_retries", 2.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_retries must be a whole number from 0 to 100, was 2.5");
        assertThatThrownBy(() -> SynthLM.createProvider("openai", Map.of("api_key", KEY, "max_retries", 4_294_967_298L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_retries must be a whole number from 0 to 100, was 4294967298");
    }

    @Test
    void anUnknownProviderNameIsRejected() {
        assertThatThrownBy(() -> SynthLM.createProvider("anthropic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown provider \"anthropic\": supported providers are synth, openai");
        assertThatThrownBy(() -> SynthLM.createProvider("", Map.of("api_key", KEY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Unknown provider");
    }

    @Test
    void synthWithoutAnyEnvironmentSaysWhichVariableToSet() {
        assumeFalse(Files.exists(Path.of(".env")), () -> "a .env file in " + Path.of("").toAbsolutePath()
                + " would supply the settings");
        for (String variable : List.of("SYNTH_BASE_URL", "MODAL_BASE_URL")) { // surefire clears them
            String value = System.getenv(variable);
            assumeTrue(value == null || value.isBlank(), () -> variable + " is set");
        }

        assertThatThrownBy(() -> SynthLM.createProvider("synth"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SYNTH_BASE_URL not found in environment"
                        + " (set it, or MODAL_BASE_URL, in the environment or a .env file)");
    }

    @Test
    void warmsASynthModelUpWithExplicitSettings() {
        RecordingScheduler scheduler = new RecordingScheduler();
        SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(scheduler).build();

        assertThat(SynthLM.warmupSynthModel(MODEL, config, 30, false)).isTrue();

        assertThat(backend.requestCount("/warmup/Qwen/Qwen2.5-7B-Instruct")).isEqualTo(1);
        assertThat(backend.requestCount("/warmup/status/Qwen/Qwen2.5-7B-Instruct")).isEqualTo(2);
        assertThat(backend.requests().get(0).header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void aWarmupThatRunsOutOfAttemptsIsFalse() {
        SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(new RecordingScheduler()).build();

        assertThat(SynthLM.warmupSynthModel(MODEL, config, 1, false)).isFalse();
        assertThat(backend.requestCount("/warmup/status/")).isEqualTo(1);
    }
}
