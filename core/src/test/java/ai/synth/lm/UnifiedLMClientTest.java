package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.LocalBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnifiedLMClientTest {

    private static final String KEY = "sk-unified-41c7";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest REQUEST =
            ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hello!")));

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private UnifiedLMClient client;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(2).build().start();
        client = newClient("synth");
    }

    @AfterEach
    void stop() {
        client.close();
        backend.close();
        Warmer.clearCache();
    }

    private UnifiedLMClient newClient(String defaultProvider) {
        SynthConfig synth = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(scheduler).build();
        OpenAIConfig openai = OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
                .environment(Map.of()).scheduler(scheduler).build();
        return new UnifiedLMClient(defaultProvider, synth, openai);
    }

    @Test
    void switchesProvidersPerCall() {
        ChatCompletion fromSynth = client.createChatCompletion(REQUEST, "synth");
        assertThat(fromSynth.model()).isEqualTo(MODEL);
        assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);

        ChatCompletion fromOpenAI = client.createChatCompletion(REQUEST.withModel("gpt-4o-mini"), "openai");
        assertThat(fromOpenAI.model()).isEqualTo("gpt-4o-mini");
        assertThat(backend.lastRequest().bodyJson()).containsEntry("model", "gpt-4o-mini");
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(2);
        assertThat(client.provider("synth")).isInstanceOf(SynthProvider.class);
        assertThat(client.provider("openai")).isInstanceOf(OpenAIProvider.class);
    }

    @Test
    void switchesProvidersPerAsyncCall() {
        ChatCompletion fromSynth = client.createChatCompletionAsync(REQUEST, "synth").join();
        ChatCompletion fromOpenAI = client.createChatCompletionAsync(REQUEST.withModel("gpt-4o-mini"), "openai").join();

        assertThat(fromSynth.model()).isEqualTo(MODEL);
        assertThat(fromOpenAI.model()).isEqualTo("gpt-4o-mini");
        assertThat(backend.requests()).extracting(r -> r.bodyJson().get("model")).containsExactly(MODEL, "gpt-4o-mini");
    }

    @Test
    void callsWithoutAProviderUseTheDefault() {
        assertThat(client.defaultProvider()).isEqualTo("synth");
        assertThat(client.createChatCompletion(REQUEST).content()).contains("Hello!");
        assertThat(client.createChatCompletionAsync(REQUEST).join().content()).contains("Hello!");
        assertThat(client.toString()).contains("open=[synth]");

        try (UnifiedLMClient openaiFirst = newClient("OpenAI")) {
            assertThat(openaiFirst.defaultProvider()).isEqualTo("openai");
            openaiFirst.createChatCompletion(REQUEST.withModel("gpt-4o-mini"));
            assertThat(openaiFirst.toString()).contains("open=[openai]");
        }
    }

    @Test
    void createsEachProviderLazilyAndOnce() {
        assertThat(client.toString()).contains("open=[]");
        UnifiedLMProvider first = client.provider("synth");
        assertThat(client.provider("synth")).isSameAs(first);
        client.createChatCompletion(REQUEST, "synth");
        assertThat(client.provider("synth")).isSameAs(first);
        assertThat(client.toString()).contains("open=[synth]");
        assertThat(backend.requests()).hasSize(1); // creating a provider makes no request
    }

    @Test
    void providerNamesIgnoreCaseAndSurroundingSpace() {
        UnifiedLMProvider openai = client.provider("openai");
        assertThat(client.provider("OpenAI")).isSameAs(openai);
        assertThat(client.provider(" OPENAI ")).isSameAs(openai);
        assertThat(client.provider("Synth").name()).isEqualTo("synth");
        assertThat(client.createChatCompletion(REQUEST, "SYNTH").content()).contains("Hello!");
    }

    @Test
    void anUnknownProviderIsRejectedNamingTheKnownOnes() {
        assertThatThrownBy(() -> client.createChatCompletion(REQUEST, "anthropic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown provider \"anthropic\": supported providers are synth, openai");
        assertThatThrownBy(() -> client.createChatCompletionAsync(REQUEST, "anthropic"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synth, openai");
        assertThatThrownBy(() -> newClient("anthropic"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synth, openai");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void closingClosesEveryProviderAndLaterCallsFailClearly() {
        UnifiedLMProvider synth = client.provider("synth");
        UnifiedLMProvider openai = client.provider("openai");

        client.close();

        assertThatThrownBy(() -> synth.createChatCompletion(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> openai.createChatCompletionAsync(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> client.createChatCompletion(REQUEST, "openai"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UnifiedLMClient is closed");
        assertThatThrownBy(() -> client.createChatCompletionAsync(REQUEST))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UnifiedLMClient is closed");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void closingTwiceIsHarmless() {
        client.createChatCompletion(REQUEST);
        client.close();
        client.close();
        assertThatThrownBy(() -> client.provider("synth")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openAiWarmupIsTrueWithoutARequest() {
        assertThat(client.warmup("gpt-4o-mini", "openai")).isTrue();
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void synthWarmupPollsTheBackend() {
        assertThat(client.warmup(MODEL, "synth")).isTrue();
        assertThat(backend.requestCount("/warmup/Qwen/Qwen2.5-7B-Instruct")).isEqualTo(1);
        assertThat(backend.requestCount("/warmup/status/")).isEqualTo(2);
        assertThat(scheduler.delays).hasSize(1); // between the two status checks, recorded, not slept
    }

    @Test
    void fiftyThreadsAskingAtOnceGetOneProvider() throws Exception {
        int threads = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            Callable<UnifiedLMProvider> ask = () -> {
                ready.countDown();
                go.await();
                return client.provider("openai");
            };
            List<Future<UnifiedLMProvider>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(pool.submit(ask));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            UnifiedLMProvider first = calls.get(0).get(10, TimeUnit.SECONDS);
            for (Future<UnifiedLMProvider> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(client.toString()).contains("open=[openai]");
        } finally {
            pool.shutdownNow();
        }
    }
}
