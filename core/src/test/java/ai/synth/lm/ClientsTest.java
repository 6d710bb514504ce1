package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientsTest {

    private static final String KEY = "sk-clients-9d2e";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));
    private static final ChatCompletionRequest REQUEST = ChatCompletionRequest.builder().model(MODEL)
            .messages(HELLO).temperature(0.7).maxTokens(1000).build();

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();

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

    private SynthConfig config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(scheduler).build();
    }

    @Test
    void syncClientSendsTheFullRequest() {
        try (SyncSynthClient client = new SyncSynthClient(config())) {
            ChatCompletion response = client.chatCompletionsCreate(REQUEST);

            assertThat(response.content()).contains("Hello!");
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
            assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
            assertThat(backend.lastRequest().bodyJson()).containsOnlyKeys("model", "messages", "temperature", "max_tokens")
                    .containsEntry("max_tokens", 1000).containsEntry("temperature", 0.7);
        }
    }

    @Test
    void syncClientTakesJustAModelAndMessages() {
        try (SyncSynthClient client = new SyncSynthClient(config())) {
            ChatCompletion response = client.chatCompletionsCreate(MODEL, HELLO);

            assertThat(response.model()).isEqualTo(MODEL);
            assertThat(backend.lastRequest().bodyJson()).containsOnlyKeys("model", "messages");
        }
    }

    @Test
    void syncClientHasTheOpenAiJavaShape() {
        try (SyncSynthClient client = new SyncSynthClient(config())) {
            ChatCompletion response = client.chat().completions().create(REQUEST);

            assertThat(response.content()).contains("Hello!");
            assertThat(client.chat()).isSameAs(client.chat());
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
        }
    }

    @Test
    void syncClientRetriesThroughItsProvider() {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(2)));
        try (SyncSynthClient client = new SyncSynthClient(config())) {
            assertThat(client.chatCompletionsCreate(REQUEST).content()).contains("Hello!");
            assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(2));
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(2);
        }
    }

    @Test
    void syncClientWarmsUp() {
        try (SyncSynthClient client = new SyncSynthClient(config())) {
            assertThat(client.warmup(MODEL)).isTrue();
            assertThat(client.provider().isWarm(MODEL)).isTrue();
            assertThat(backend.requestCount("/warmup/status/")).isEqualTo(2);
        }
    }

    @Test
    void asyncClientCompletesFutures() {
        try (AsyncSynthClient client = new AsyncSynthClient(config())) {
            CompletableFuture<ChatCompletion> full = client.chatCompletionsCreate(REQUEST);
            CompletableFuture<ChatCompletion> brief = client.chatCompletionsCreate(MODEL, HELLO);
            CompletableFuture<ChatCompletion> shaped = client.chat().completions().create(REQUEST);

            assertThat(full.join().content()).contains("Hello!");
            assertThat(brief.join().model()).isEqualTo(MODEL);
            assertThat(shaped.join().content()).contains("Hello!");
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(3);
            assertThat(backend.requests()).allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY));
        }
    }

    @Test
    void asyncClientFailsTheFutureWithTheTypedError() {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(Fault.rateLimited());
        }
        try (AsyncSynthClient client = new AsyncSynthClient(config())) {
            CompletableFuture<ChatCompletion> future = client.chatCompletionsCreate(REQUEST);

            assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(RateLimitException.class);
            assertThat(scheduler.delays).hasSize(3);
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(4);
        }
    }

    @Test
    void asyncClientWarmsUp() {
        try (AsyncSynthClient client = new AsyncSynthClient(config())) {
            assertThat(client.warmup(MODEL).join()).isTrue();
            assertThat(client.provider().isWarm(MODEL)).isTrue();
        }
    }

    @Test
    void bothClientsAreAutoCloseableAndRejectCallsOnceClosed() {
        SyncSynthClient sync = new SyncSynthClient(config());
        AsyncSynthClient async = new AsyncSynthClient(config());
        try (AutoCloseable a = sync; AutoCloseable b = async) {
            assertThat(sync.chatCompletionsCreate(MODEL, HELLO).content()).contains("Hello!");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        sync.close(); // closing twice is harmless
        async.close();

        assertThatThrownBy(() -> sync.chatCompletionsCreate(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> sync.chat().completions().create(REQUEST)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> async.chatCompletionsCreate(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> async.chat().completions().create(REQUEST)).isInstanceOf(IllegalStateException.class);
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
    }
}
