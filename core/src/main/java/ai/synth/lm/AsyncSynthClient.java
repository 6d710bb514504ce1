package ai.synth.lm;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A non-blocking Synth client with the seed's method names and openai-java's shape:
 *
 * <pre>{@code
 * try (AsyncSynthClient client = new AsyncSynthClient(config)) {
 *     CompletableFuture<ChatCompletion> f = client.chatCompletionsCreate(request);
 *     CompletableFuture<ChatCompletion> g = client.chat().completions().create(request);
 * }
 * }</pre>
 *
 * Thread-safe; wraps one {@link SynthProvider}. Retries are scheduled, never a blocked thread.
 */
public final class AsyncSynthClient implements AutoCloseable {

    private final SynthProvider provider;
    private final Chat chat = new Chat();

    /**
     * A client configured from the environment and {@code .env}.
     *
     * @throws ConfigurationException if a required setting is missing or malformed
     */
    public AsyncSynthClient() {
        this(SynthConfig.fromEnv());
    }

    /** A client with the given settings. */
    public AsyncSynthClient(SynthConfig config) {
        this.provider = new SynthProvider(config);
    }

    /** Sends a chat completion without blocking. */
    public CompletableFuture<ChatCompletion> chatCompletionsCreate(ChatCompletionRequest request) {
        return provider.createChatCompletionAsync(request);
    }

    /** Sends a chat completion with just a model and messages, without blocking. */
    public CompletableFuture<ChatCompletion> chatCompletionsCreate(String model, List<? extends ChatMessage> messages) {
        return provider.createChatCompletionAsync(model, messages);
    }

    /** Warms the model up without blocking. */
    public CompletableFuture<Boolean> warmup(String model) {
        return provider.warmupAsync(model);
    }

    /** The openai-java style namespace: {@code client.chat().completions().create(request)}. */
    public Chat chat() {
        return chat;
    }

    /** The provider behind this client. */
    public SynthProvider provider() {
        return provider;
    }

    /** Releases the HTTP client; calls in flight fail. Idempotent. */
    @Override
    public void close() {
        provider.close();
    }

    /** {@code chat()}: holds {@link #completions()}. */
    public final class Chat {
        private final Completions completions = new Completions();

        private Chat() {}

        /** The chat completions endpoint. */
        public Completions completions() {
            return completions;
        }
    }

    /** {@code chat().completions()}: holds {@link #create(ChatCompletionRequest)}. */
    public final class Completions {
        private Completions() {}

        /** Sends a chat completion without blocking. */
        public CompletableFuture<ChatCompletion> create(ChatCompletionRequest request) {
            return provider.createChatCompletionAsync(request);
        }

        /**
         * Sends a chat completion without blocking and reads the answer as {@code type}; see
         * {@link UnifiedLMProvider#createChatCompletionAsync(ChatCompletionRequest, Class)}.
         */
        public <T> CompletableFuture<ParsedChatCompletion<T>> create(ChatCompletionRequest request, Class<T> type) {
            return provider.createChatCompletionAsync(request, type);
        }

        /** Streams a chat completion as a publisher with backpressure. */
        public java.util.concurrent.Flow.Publisher<ChatCompletionChunk> createStreaming(ChatCompletionRequest request) {
            return provider.streamChatCompletionAsync(request);
        }
    }
}
