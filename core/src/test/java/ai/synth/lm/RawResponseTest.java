package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RawResponseTest {

    /** A completion as a hosted API sends it: indented over several lines, with nulls and fields not modelled. */
    private static final String PRETTY = """
            {
              "id": "chatcmpl-raw",
              "object": "chat.completion",
              "created": 1733000000,
              "model": "model-a",
              "choices": [
                {
                  "index": 0,
                  "message": {"role": "assistant", "content": "line one\\nline two", "refusal": null},
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9},
              "service_tier": "default"
            }
            """;

    /** The two faces of the raw call. */
    enum RawFace {
        SYNC((p, r) -> p.createChatCompletionRaw(r)),
        ASYNC((p, r) -> Futures.await(p.createChatCompletionRawAsync(r)));

        final BiFunction<UnifiedLMProvider, ChatCompletionRequest, RawResponse<ChatCompletion>> call;

        RawFace(BiFunction<UnifiedLMProvider, ChatCompletionRequest, RawResponse<ChatCompletion>> call) {
            this.call = call;
        }
    }

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private OpenAIProvider provider(LocalBackend backend) {
        return new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(RouterFixture.KEY)
                .environment(Map.of()).scheduler(fx.time).build());
    }

    @ParameterizedTest
    @EnumSource(RawFace.class)
    void aProviderHandsBackTheBodyAsSentWithItsStatusAndRequestId(RawFace face) {
        LocalBackend backend = fx.backend();
        backend.enqueue(Fault.body(200, "application/json", PRETTY));
        try (OpenAIProvider provider = provider(backend)) {
            RawResponse<ChatCompletion> raw = face.call.apply(provider, RouterFixture.ask("model-a"));

            assertThat(raw.bodyText()).isEqualTo(PRETTY);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_local_"));
            assertThat(raw.header("Content-Type")).hasValue("application/json");
            assertThat(raw.headers()).containsKey("x-request-id");
            assertThat(raw.parsed().content()).isEqualTo("line one\nline two");
            assertThat(raw.parsed().additionalProperties()).containsEntry("service_tier", "default");
        }
    }

    @ParameterizedTest
    @EnumSource(RawFace.class)
    void aRawCallRetriesAndFailsAsThePlainOneDoes(RawFace face) {
        LocalBackend backend = fx.backend();
        backend.enqueue(Fault.status(503));
        backend.enqueue(Fault.status(400));
        try (OpenAIProvider provider = provider(backend)) {
            assertThatThrownBy(() -> face.call.apply(provider, RouterFixture.ask("model-a")))
                    .isInstanceOf(ApiException.class).satisfies(e -> {
                        assertThat(((ApiException) e).status()).isEqualTo(400);
                        assertThat(((ApiException) e).attempts()).isEqualTo(2);
                    });
            assertThat(backend.requestCount("/v1/chat")).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(RawFace.class)
    void aRouterHandsBackTheResponseOfTheDeploymentThatAnswered(RawFace face) {
        LocalBackend down = fx.backend();
        LocalBackend up = fx.backend();
        down.enqueue(Fault.status(500));
        up.enqueue(Fault.body(200, "application/json", PRETTY));
        Router router = fx.track(fx.router().routingStrategy(RoutingStrategy.LEAST_BUSY).numRetries(1)
                .deployment(RouterFixture.deployment("g", "down", down).build())
                .deployment(RouterFixture.deployment("g", "up", up).build()).build());

        RawResponse<ChatCompletion> raw = face.call.apply(router, RouterFixture.ask("g"));

        assertThat(raw.bodyText()).isEqualTo(PRETTY);
        assertThat(raw.parsed().usage().totalTokens()).isEqualTo(9);
        assertThat(up.requestCount("/v1/chat")).isEqualTo(1);
    }

    @Test
    void aBodyWithMoreAfterTheCompletionIsAnInvalidResponseNotAnAnswer() {
        LocalBackend backend = fx.backend();
        backend.enqueue(Fault.body(200, "application/json", PRETTY + "{\"id\": \"second\"}"));
        try (OpenAIProvider provider = provider(backend)) {
            assertThatThrownBy(() -> provider.createChatCompletionRaw(RouterFixture.ask("model-a")))
                    .isInstanceOf(InvalidResponseException.class)
                    .hasMessageContaining("not a valid chat completion")
                    .hasMessageContaining("content after the completion's closing brace");
        }
    }

    @Test
    void aProviderWithoutHttpAnswersWithAnEmptyBodyAndNoHeaders() {
        ChatCompletion c = new ChatCompletion("c", "chat.completion", 1, "m", List.of(), null, null, Map.of());

        RawResponse<ChatCompletion> raw = RawResponse.withoutHttp(c);

        assertThat(raw.parsed()).isSameAs(c);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEmpty();
        assertThat(raw.headers()).isEmpty();
        assertThat(raw.requestId()).isEmpty();
    }

    @Test
    void itsBodyCannotBeChangedFromOutside() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        RawResponse<String> raw = RawResponse.of("x", 201, Map.of(), body);
        body[0] = 'X';
        raw.body()[0] = 'Y';
        ByteBuffer view = raw.bodyBuffer();

        assertThat(raw.bodyText()).isEqualTo("{}");
        assertThat(view.isReadOnly()).isTrue();
        assertThat(raw.statusCode()).isEqualTo(201);
    }

    @Test
    void itsTextShowsNoHeaderValueAndNoBody() {
        RawResponse<String> raw = RawResponse.of("x", 200, Map.of("Set-Cookie", List.of("session=s3cr3t"),
                "X-Request-Id", List.of("req_9")), "{\"secret\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(raw.toString()).isEqualTo("RawResponse[status=200, requestId=req_9, bodyBytes=12]")
                .doesNotContain("s3cr3t");
        assertThat(raw.header("set-cookie")).hasValue("session=s3cr3t");
    }

    @Test
    void aStatusThatIsNoHttpStatusIsRefusedByName() {
        assertThatThrownBy(() -> RawResponse.of("x", 42, Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statusCode")
                .hasMessageContaining("42");
    }
}
