package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.LocalBackend;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every public way to stream reaches the same engine and gets the same answer. */
class StreamEntryPointsTest {

    private static final String KEY = "sk-entry-3b7d";

    private LocalBackend backend;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private SynthConfig synth() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(new RecordingScheduler()).build();
    }

    private OpenAIConfig openai() {
        return OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY).environment(Map.of())
                .scheduler(new RecordingScheduler()).build();
    }

    static Stream<Arguments> entryPoints() {
        return Stream.of(
                way("OpenAIProvider.streamChatCompletion", (t, r) -> {
                    try (OpenAIProvider p = new OpenAIProvider(t.openai())) {
                        return StreamFace.SYNC.read(p, r);
                    }
                }),
                way("OpenAIProvider.streamChatCompletionAsync", (t, r) -> {
                    try (OpenAIProvider p = new OpenAIProvider(t.openai())) {
                        return StreamFace.ASYNC.read(p, r);
                    }
                }),
                way("SyncSynthClient...createStreaming", (t, r) -> {
                    try (SyncSynthClient c = new SyncSynthClient(t.synth());
                            ChatCompletionStream s = c.chat().completions().createStreaming(r)) {
                        return s.stream().toList();
                    }
                }),
                way("AsyncSynthClient...createStreaming", (t, r) -> {
                    try (AsyncSynthClient c = new AsyncSynthClient(t.synth())) {
                        return StreamFace.collect(c.chat().completions().createStreaming(r));
                    }
                }),
                way("UnifiedLMClient.streamChatCompletion synth", (t, r) -> {
                    try (UnifiedLMClient c = new UnifiedLMClient("openai", t.synth(), t.openai());
                            ChatCompletionStream s = c.streamChatCompletion(r, "synth")) {
                        return s.stream().toList();
                    }
                }),
                way("UnifiedLMClient.streamChatCompletionAsync openai", (t, r) -> {
                    try (UnifiedLMClient c = new UnifiedLMClient("synth", t.synth(), t.openai())) {
                        return StreamFace.collect(c.streamChatCompletionAsync(r, "openai"));
                    }
                }));
    }

    private static Arguments way(String name, BiFunction<StreamEntryPointsTest, ChatCompletionRequest,
            List<ChatCompletionChunk>> call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entryPoints")
    void streamsTheAnswer(String name,
            BiFunction<StreamEntryPointsTest, ChatCompletionRequest, List<ChatCompletionChunk>> call) {
        ChatCompletionRequest request = StreamingTest.HELLO.toBuilder().includeUsage(true).build();

        ChatCompletion whole = StreamingTest.accumulate(call.apply(this, request));

        assertThat(whole.content()).contains("Hello, stream me a few words!");
        assertThat(whole.usage().totalTokens()).isPositive();
        assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(backend.lastRequest().bodyJson()).containsEntry("stream", true);
    }
}
