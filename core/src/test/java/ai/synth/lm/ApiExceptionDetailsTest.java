package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiExceptionDetailsTest {

    private static final String KEY = "sk-details-test-key-42";
    private final LocalBackend backend = LocalBackend.builder().apiKey(KEY).build().start();
    private final OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().environment(Map.of())
            .baseUrl(backend.baseUrl() + "/v1").apiKey(KEY).maxRetries(0).build());

    @AfterEach
    void close() {
        provider.close();
        backend.close();
    }

    @Test
    void rateLimitCarriesTheWaitTheServerAskedFor() {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(7)));

        assertThatThrownBy(() -> provider.createChatCompletion("m", List.of(ChatMessage.user("Hi"))))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(((RateLimitException) e).retryAfter()).contains(Duration.ofSeconds(7)));
    }

    @Test
    void retryAfterMillisecondsWinAndAnErrorCodeIsKept() {
        backend.enqueue(Fault.body(503, "application/json",
                "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"code\":\"overloaded\"}}")
                .withHeader("retry-after-ms", "1500").withHeader("retry-after", "9"));

        assertThatThrownBy(() -> provider.createChatCompletion("m", List.of(ChatMessage.user("Hi"))))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> {
                    ApiException api = (ApiException) e;
                    assertThat(api.retryAfter()).contains(Duration.ofMillis(1500));
                    assertThat(api.errorCode()).contains("overloaded");
                });
    }

    @Test
    void noRetryAfterAndNoCodeAreEmpty() {
        backend.enqueue(Fault.body(500, "text/plain", "oops"));

        assertThatThrownBy(() -> provider.createChatCompletion("m", List.of(ChatMessage.user("Hi"))))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> {
                    assertThat(((ApiException) e).retryAfter()).isEmpty();
                    assertThat(((ApiException) e).errorCode()).isEmpty();
                });
    }
}
