package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProviderTest {

    private static final String KEY = "sk-test-5f3a9c";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));

    private LocalBackend backend;
    private RecordingScheduler scheduler;
    private SynthProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        scheduler = new RecordingScheduler();
        provider = new SynthProvider(config().build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    private SynthConfig.Builder config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of()).scheduler(scheduler);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void sendsTheRequestAndReadsTheSimulatorsReply(Face face) {
        ChatCompletion response = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

        assertThat(response.choices()).hasSize(1);
        assertThat(response.choices().get(0).message().content()).contains("simulator").contains("Hello!");
        assertThat(response.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(response.usage().totalTokens()).isPositive();
        assertThat(response.model()).isEqualTo(MODEL);
        RecordedRequest request = backend.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.bodyJson()).containsOnlyKeys("model", "messages");
    }

    @Test
    void acceptsBaseUrlsWithOrWithoutV1AndTrailingSlash() {
        for (String base : List.of(backend.baseUrl() + "/", backend.baseUrl() + "/v1", backend.baseUrl() + "/v1/")) {
            try (SynthProvider p = new SynthProvider(config().baseUrl(base).build())) {
                p.createChatCompletion(MODEL, HELLO);
                assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void retriesRateLimitedCallAfterRetryAfterSeconds(Face face) {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
        backend.enqueue(Fault.status(503));

        ChatCompletion response = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

        assertThat(response.content()).contains("Hello!");
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(3);
        assertThat(scheduler.delays).hasSize(2);
        assertThat(scheduler.delays.get(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(scheduler.delays.get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void givesUpAfterMaxRetriesWithARateLimitError(Face face) {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(Fault.rateLimited());
        }
        RateLimitException e = catchThrowableOfType(RateLimitException.class,
                () -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)));

        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.provider()).isEqualTo("synth");
        assertThat(e.requestId()).startsWith("req_local_");
        assertThat(e.getMessage()).contains("after 4 attempts").contains("SYNTH_MAX_RETRIES");
        assertThat(scheduler.delays).hasSize(3);
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void doesNotRetryABadKeyAndSaysWhichVariableHoldsIt(Face face) {
        try (SynthProvider bad = new SynthProvider(config().apiKey("sk-wrong-key-777").build())) {
            AuthenticationException e = catchThrowableOfType(AuthenticationException.class,
                    () -> face.call(bad, ChatCompletionRequest.of(MODEL, HELLO)));
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getMessage()).contains("SYNTH_API_KEY").doesNotContain("sk-wrong-key-777");
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
        }
    }

    @Test
    void shouldRetryHeaderFalseStopsRetriesOfA500() {
        backend.enqueue(Fault.status(500).withHeader("x-should-retry", "false"));
        ApiException e = catchThrowableOfType(ApiException.class, () -> provider.createChatCompletion(MODEL, HELLO));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void shouldRetryHeaderTrueRetriesA400() {
        backend.enqueue(Fault.status(400).withHeader("x-should-retry", "true"));
        assertThat(provider.createChatCompletion(MODEL, HELLO).content()).contains("Hello!");
        assertThat(scheduler.delays).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void retriesADisconnectBeforeTheResponse(Face face) {
        backend.enqueue(Fault.disconnectBeforeHeaders());
        assertThat(face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)).content()).contains("Hello!");
        assertThat(scheduler.delays).hasSize(1);
    }

    @Test
    void malformedJsonIsATypedErrorAndNotRetried() {
        backend.enqueue(Fault.malformedJson());
        InvalidResponseException e = catchThrowableOfType(InvalidResponseException.class,
                () -> provider.createChatCompletion(MODEL, HELLO));
        assertThat(e.getMessage()).contains("not a valid chat completion");
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void anHtmlErrorPageFromAProxyIsDescribed() {
        backend.enqueue(Fault.body(502, "text/html", "<html><body>Bad gateway</body></html>"));
        backend.enqueue(Fault.body(502, "text/html", "<html><body>Bad gateway</body></html>"));
        backend.enqueue(Fault.body(502, "text/html", "<html><body>Bad gateway</body></html>"));
        backend.enqueue(Fault.body(502, "text/html", "<html><body>Bad gateway</body></html>"));
        ApiException e = catchThrowableOfType(ApiException.class, () -> provider.createChatCompletion(MODEL, HELLO));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).contains("HTML page").contains("warm it up");
    }

    @Test
    void anErrorBodyOnHttp200IsAnApiError() {
        backend.enqueue(Fault.body(200, "application/json", "{\"error\":{\"message\":\"model overloaded\"}}"));
        ApiException e = catchThrowableOfType(ApiException.class, () -> provider.createChatCompletion(MODEL, HELLO));
        assertThat(e.providerMessage()).isEqualTo("model overloaded");
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void connectionRefusedIsAConnectionErrorAfterItsRetries(Face face) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SynthProvider p = new SynthProvider(config().baseUrl("http://127.0.0.1:" + port).maxRetries(2).build())) {
            ConnectionException e = catchThrowableOfType(ConnectionException.class,
                    () -> face.call(p, ChatCompletionRequest.of(MODEL, HELLO)));
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.getMessage()).contains("Could not reach synth").contains("SYNTH_BASE_URL");
        }
    }

    @Test
    void aSlowResponseTimesOutNamingTheTimeoutAndTheFix() {
        backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(5)));
        try (SynthProvider p = new SynthProvider(config().timeout(Duration.ofMillis(300)).maxRetries(0).build())) {
            RequestTimeoutException e = catchThrowableOfType(RequestTimeoutException.class,
                    () -> p.createChatCompletion(MODEL, HELLO));
            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.RESPONSE);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(e.getMessage()).contains("SYNTH_TIMEOUT").contains("warm");
        }
    }

    @Test
    void aResponseOverTheSizeLimitFailsClearlyAndOneUnderItIsRead() {
        String padding = "x".repeat(10 * 1024 * 1024);
        String big = "{\"id\":\"big\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + padding
                + "\"},\"finish_reason\":\"stop\"}]}";
        backend.enqueue(Fault.body(200, "application/json", big));
        assertThat(provider.createChatCompletion(MODEL, HELLO).content()).hasSize(padding.length());

        backend.enqueue(Fault.body(200, "application/json", big));
        try (SynthProvider small = new SynthProvider(config().maxResponseSize(1024 * 1024).build())) {
            InvalidResponseException e = catchThrowableOfType(InvalidResponseException.class,
                    () -> small.createChatCompletion(MODEL, HELLO));
            assertThat(e.getMessage()).contains("larger than the limit of 1048576 bytes").contains("maxResponseSize");
            assertThat(e.attempts()).isEqualTo(1);
        }
    }

    @Test
    void toolCallRoundTrip() {
        Tool weather = Tool.function("get_weather", "Get weather for a location", Map.of("type", "object",
                "properties", Map.of("location", Map.of("type", "string")), "required", List.of("location")));
        ChatCompletionRequest request = ChatCompletionRequest.builder().model(MODEL)
                .messages(List.of(ChatMessage.user("What's the weather in Paris?")))
                .tools(List.of(weather)).toolChoice(ToolChoice.auto()).build();

        ChatCompletion first = provider.createChatCompletion(request);
        AssistantMessage turn = first.choices().get(0).message();
        assertThat(first.choices().get(0).finishReason()).isEqualTo("tool_calls");
        ToolCall call = turn.toolCalls().get(0);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).contains("Paris");

        ChatCompletion second = provider.createChatCompletion(request.withMessages(List.of(
                request.messages().get(0), ChatMessage.assistant(turn),
                ChatMessage.tool(call.id(), "{\"temperature_c\": 21}"))));
        assertThat(second.content()).contains("get_weather").contains("21");
        List<?> sent = (List<?>) backend.lastRequest().bodyJson().get("messages");
        assertThat(sent).hasSize(3);
        Map<?, ?> toolTurn = (Map<?, ?>) sent.get(2);
        assertThat(toolTurn.get("role")).isEqualTo("tool");
        assertThat(toolTurn.get("tool_call_id")).isEqualTo(call.id());
    }

    @Test
    void closedProviderRejectsCallsClearlyAndClosingTwiceIsHarmless() {
        provider.close();
        provider.close();
        assertThatThrownBy(() -> provider.createChatCompletion(MODEL, HELLO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> provider.createChatCompletionAsync(ChatCompletionRequest.of(MODEL, HELLO)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingFailsCallsInFlightFast() {
        backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(30)));
        var future = provider.createChatCompletionAsync(ChatCompletionRequest.of(MODEL, HELLO));
        provider.close();
        assertThatThrownBy(future::join).hasCauseInstanceOf(ConnectionException.class)
                .hasMessageContaining("closed while the call was in flight");
    }

    @Test
    void openAiProviderSpeaksTheSameWireFormatAndNeedsNoWarmup() {
        try (OpenAIProvider openai = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1")
                .apiKey(KEY).environment(Map.of()).build())) {
            assertThat(openai.warmup("gpt-4o-mini")).isTrue();
            assertThat(backend.requests()).isEmpty();
            ChatCompletion response = openai.createChatCompletion("gpt-4o-mini", HELLO);
            assertThat(response.model()).isEqualTo("gpt-4o-mini");
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
        }
    }
}
