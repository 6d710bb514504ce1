package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile model names and header values end to end: each reaches the backend only as an encoded path segment under
 * {@code /warmup/} (checked against the path the backend recorded), or is rejected before any request; no value
 * ever adds a header. The unit rules are in {@code PathSegmentsTest} and {@code SynthConfigTest}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {

    private static final String KEY = "sk-bad-input-7c2a";

    private LocalBackend backend;
    private SynthProvider provider;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(1).build().start();
        provider = new SynthProvider(config().build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
        Warmer.clearCache();
    }

    private SynthConfig.Builder config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(new RecordingScheduler());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Qwen/Qwen2.5-7B-Instruct | Qwen/Qwen2.5-7B-Instruct",
            "org/my model             | org/my%20model",
            "100%                     | 100%25",
            "a%2F..%2Fadmin           | a%252F..%252Fadmin",
            "%2e%2e                   | %252e%252e",
            "m?admin=1#x              | m%3Fadmin%3D1%23x",
            "m\\                       | m%5C",
            "..a/b..                  | ..a/b.."})
    void modelNamesReachOnlyTheirOwnEncodedWarmupPath(String model, String encoded) {
        WarmupResult result = provider.warmup(model, WarmupOptions.defaults());

        assertThat(result.warm()).isTrue();
        List<RecordedRequest> requests = backend.requests();
        assertThat(requests).extracting(RecordedRequest::path)
                .containsExactly("/warmup/" + encoded, "/warmup/status/" + encoded);
        assertThat(backend.isWarm(model)).isTrue(); // the backend decoded exactly the name that was sent
        assertThat(requests).allSatisfy(r -> assertThat(r.headers().keySet()).isSubsetOf(
                "authorization", "accept", "user-agent", "host", "connection", "content-length", "upgrade",
                "http2-settings"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../admin", "a/../../v1/models", "./m", "m/.", "/abs", "a//b", "m/", " ",
            "m\r\nX-Injected: 1", "m\nX-Injected: 1", "m\rX", "m\u0000", "m\u007f"})
    void modelNamesThatCouldReachAnotherPathOrInjectAHeaderAreRejectedBeforeAnyRequest(String model) {
        Throwable e = catchThrowable(() -> provider.warmup(model));

        assertThat(e).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(e.getMessage()).containsAnyOf("Invalid model name", "model must not be empty")
                .doesNotContain("\r").doesNotContain("\n");
        assertThat(backend.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A100\r\nX-Injected: 1", "A100\nX-Injected: 1", "A100\rX-Injected: 1", "A100\r\n",
            "A100\u0000", "A100\u007f"})
    void gpuPreferencesWithLineBreaksOrControlCharactersAreRejected(String gpu) {
        Throwable e = catchThrowable(() -> provider.warmup("m", WarmupOptions.builder().gpuPreference(gpu).build()));

        assertThat(e).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(e.getMessage()).contains("gpuPreference");
        assertThat(backend.requests()).isEmpty();
        assertThat(provider.warmup("m")).isTrue(); // nothing was left half-started
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk-a\r\nX-Injected: 1", "sk-a\nX-Injected: 1", "sk-a\rX", "sk-\u0000a", "sk-\u007fa",
            "sk-\u0001a"})
    void apiKeysWithLineBreaksOrControlCharactersAreRejectedAtBuildWhereverTheyComeFrom(String key) {
        Throwable inCode = catchThrowable(() -> config().apiKey(key).build());
        Throwable fromEnv = catchThrowable(() -> SynthConfig.builder().baseUrl(backend.baseUrl())
                .environment(Map.of("SYNTH_API_KEY", key)).build());

        assertThat(inCode).isExactlyInstanceOf(ConfigurationException.class).hasMessageContaining("apiKey")
                .hasMessageNotContaining("X-Injected");
        assertThat(fromEnv).isExactlyInstanceOf(ConfigurationException.class).hasMessageContaining("SYNTH_API_KEY")
                .hasMessageNotContaining("X-Injected");
        assertThat(backend.requests()).isEmpty();
    }
}
