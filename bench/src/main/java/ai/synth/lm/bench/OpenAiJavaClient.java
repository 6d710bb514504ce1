package ai.synth.lm.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The official SDK as its README shows it ({@code OpenAIOkHttpClient.builder()}, {@code chat().completions()}).
 * Its OkHttp dispatcher allows 64 calls in flight (its default, kept); the idle pool is raised from OkHttp's 5 to 64
 * so that at concurrency 64 it keeps its connections like the JDK-based clients do.
 */
final class OpenAiJavaClient implements BenchClient {

    static final int MAX_IDLE_CONNECTIONS = 64;
    /** OkHttp's default; the SDK wants it set whenever the pool size is. */
    static final Duration KEEP_ALIVE = Duration.ofMinutes(5);

    private final OpenAIClient client;

    OpenAiJavaClient(String baseUrl) {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("bench-key")
                .maxIdleConnections(MAX_IDLE_CONNECTIONS).keepAliveDuration(KEEP_ALIVE).build();
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model(Fixtures.MODEL).addUserMessage(Fixtures.PROMPT).build();
    }

    private static int length(ChatCompletion completion) {
        return completion.choices().get(0).message().content().orElse("").length();
    }

    @Override
    public int call() {
        return length(client.chat().completions().create(params()));
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return client.async().chat().completions().create(params()).thenApply(OpenAiJavaClient::length);
    }

    @Override
    public int stream() {
        int[] chunks = {0};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params())) {
            stream.stream().forEach(chunk -> {
                if (!chunk.choices().isEmpty() && !chunk.choices().get(0).delta().content().orElse("").isEmpty()) {
                    chunks[0]++;
                }
            });
        }
        return chunks[0];
    }

    @Override
    public String limits() {
        return "client.async(); OkHttp dispatcher 64 in flight (default), maxIdleConnections 64 (default 5),"
                + " keep-alive 5 min";
    }

    @Override
    public void close() {
        client.close();
    }
}
