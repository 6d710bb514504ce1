package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streamed chat completions against the local backend, through the sync iterator and the async publisher. */
class StreamingTest {

    static final String KEY = "sk-stream-test-91c2";
    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    static final ChatCompletionRequest HELLO =
            ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hello, stream me a few words!")));
    static final Tool WEATHER = Tool.function("get_weather", "Get the current weather for a city",
            Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                    "required", List.of("city")));

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
    @EnumSource(StreamFace.class)
    void textStreamAccumulatesToTheNonStreamedAnswer(StreamFace face) {
        ChatCompletion whole = provider.createChatCompletion(HELLO);

        List<ChatCompletionChunk> chunks = face.read(provider, HELLO);

        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(chunks).allSatisfy(c -> assertThat(c.object()).isEqualTo("chat.completion.chunk"));
        ChatCompletion streamed = accumulate(chunks);
        assertThat(streamed.content()).isEqualTo(whole.content()).contains("Hello, stream me a few words!");
        assertThat(streamed.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(streamed.model()).isEqualTo(MODEL);
        assertThat(streamed.usage()).isNull();
        RecordedRequest request = backend.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("accept")).isEqualTo("text/event-stream");
        assertThat(request.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.bodyJson()).containsEntry("stream", true).doesNotContainKey("stream_options");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void includeUsageAsksForTheUsageChunkAndAccumulatesIt(StreamFace face) {
        ChatCompletionRequest request = HELLO.toBuilder().includeUsage(true).build();

        List<ChatCompletionChunk> chunks = face.read(provider, request);

        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().totalTokens()).isPositive();
        Usage usage = accumulate(chunks).usage();
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens()).isPositive();
        assertThat(backend.lastRequest().bodyJson()).containsEntry("stream", true)
                .containsEntry("stream_options", Map.of("include_usage", true));
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void toolCallStreamAccumulatesToTheCallANonStreamedAnswerHas(StreamFace face) throws Exception {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model(MODEL).tools(List.of(WEATHER))
                .messages(List.of(ChatMessage.user("What is the weather in Paris? Use get_weather."))).build();
        ChatCompletion whole = provider.createChatCompletion(request);

        ChatCompletion streamed = face.completion(provider, request);

        AssistantMessage message = streamed.choices().get(0).message();
        assertThat(message.toolCalls()).hasSize(1);
        ToolCall call = message.toolCalls().get(0);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new ObjectMapper().readTree(call.function().arguments()).isObject()).isTrue();
        assertThat(message).isEqualTo(whole.choices().get(0).message());
        assertThat(streamed.choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void errorEventMidStreamRaisesApiExceptionWithTheProvidersMessage(StreamFace face) {
        backend.enqueue(Fault.streamErrorEvent("The model is overloaded, try again"));

        ApiException e = catchThrowableOfType(ApiException.class, () -> face.read(provider, HELLO));

        assertThat(e.providerMessage()).isEqualTo("The model is overloaded, try again");
        assertThat(e.getMessage()).contains("The model is overloaded, try again").contains("middle of the stream");
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void malformedChunkRaisesInvalidResponseException(StreamFace face) {
        backend.enqueue(Fault.streamMalformedChunk());

        assertThatThrownBy(() -> face.read(provider, HELLO)).isInstanceOf(InvalidResponseException.class)
                .hasMessageContaining("stream is malformed").hasMessageContaining("chunk 2 is not valid JSON");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void disconnectMidStreamRaisesConnectionExceptionAndIsNotRetried(StreamFace face) {
        backend.enqueue(Fault.streamDisconnect(3));

        ConnectionException e = catchThrowableOfType(ConnectionException.class, () -> face.read(provider, HELLO));

        // The async face sees all 3 chunks before the break; the JDK's input stream (sync face) drops bytes it had
        // buffered when the connection breaks, so there the count can be lower. Either way the stream fails.
        assertThat(e.getMessage()).containsPattern("stream broke after [0-3] chunks").contains("not retried");
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void streamWithoutDoneAfterTheFinishChunkEndsNormally(StreamFace face) {
        String expected = provider.createChatCompletion(HELLO).content();
        backend.enqueue(Fault.streamNoDone());

        ChatCompletion streamed = face.completion(provider, HELLO);

        assertThat(streamed.content()).isEqualTo(expected);
        assertThat(streamed.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void stalledStreamTimesOutWithKindIdleWithinTheIdleTimeout(StreamFace face) {
        backend.enqueue(Fault.streamStall());
        Duration idle = Duration.ofMillis(300);
        try (SynthProvider quick = new SynthProvider(config().idleTimeout(idle).firstByteTimeout(Duration.ofSeconds(60))
                .build())) {
            long start = System.nanoTime();
            RequestTimeoutException e = catchThrowableOfType(RequestTimeoutException.class,
                    () -> face.read(quick, HELLO));

            // far below the 60 s first-byte timeout, yet generous for a loaded machine
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.IDLE);
            assertThat(e.timeout()).isEqualTo(idle);
            assertThat(e.getMessage()).contains("after 2 chunks").contains("idleTimeout");
        }
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void retriesA503BeforeTheFirstByte(StreamFace face) {
        backend.enqueue(Fault.status(503));

        ChatCompletion streamed = face.completion(provider, HELLO);

        assertThat(streamed.content()).contains("Hello, stream me a few words!");
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(2);
        assertThat(scheduler.delays).hasSize(1);
    }

    @Test
    void badKeyIsThrownByStreamChatCompletionItself() {
        try (SynthProvider bad = new SynthProvider(config().apiKey("sk-wrong-key-777").build())) {
            AuthenticationException e = catchThrowableOfType(AuthenticationException.class,
                    () -> bad.streamChatCompletion(HELLO));

            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("SYNTH_API_KEY").doesNotContain("sk-wrong-key-777");
            assertThat(scheduler.delays).isEmpty();
        }
    }

    @Test
    void badKeyReachesTheSubscriberAsOnError() {
        try (SynthProvider bad = new SynthProvider(config().apiKey("sk-wrong-key-777").build())) {
            assertThatThrownBy(() -> StreamFace.collect(bad.streamChatCompletionAsync(HELLO)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("HTTP 401");
        }
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aJsonAnswerInsteadOfAStreamIsAnInvalidResponse(StreamFace face) {
        backend.enqueue(Fault.body(200, "application/json", "{\"id\":\"x\",\"choices\":[]}"));

        assertThatThrownBy(() -> face.read(provider, HELLO)).isInstanceOf(InvalidResponseException.class)
                .hasMessageContaining("instead of an event stream");
    }

    static ChatCompletion accumulate(List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        chunks.forEach(acc::accumulate);
        return acc.result();
    }
}
