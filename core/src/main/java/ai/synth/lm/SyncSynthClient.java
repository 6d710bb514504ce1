package ai.synth.lm;

import java.util.List;

/**
 * A blocking Synth client with the seed's method names and openai-java's shape:
 *
 * <pre>{@code
 * try (SyncSynthClient client = new SyncSynthClient()) {
 *     ChatCompletion a = client.chatCompletionsCreate(request);
 *     ChatCompletion b = client.chat().completions().create(request);   // as in openai-java
 * }
 * }</pre>
 *
 * Thread-safe; wraps one {@link SynthProvider}.
 */
public final class SyncSynthClient implements AutoCloseable {

    private final SynthProvider provider;
    private final Chat chat = new Chat();

    /**
     * A client configured from the environment and {@code .env}.
     *
     * @throws ConfigurationException if a required setting is missing or malformed
     */
    public SyncSynthClient() {
        this(SynthConfig.fromEnv());
    }

    /** A client with the given settings. */
    public SyncSynthClient(SynthConfig config) {
        this.provider = new SynthProvider(config);
    }

    /** Sends a chat completion and waits for it. */
    public ChatCompletion chatCompletionsCreate(ChatCompletionRequest request) {
        return provider.createChatCompletion(request);
    }

    /** Sends a chat completion with just a model and messages. */
    public ChatCompletion chatCompletionsCreate(String model, List<? extends ChatMessage> messages) {
        return provider.createChatCompletion(model, messages);
    }

    /** Warms the model up; see {@link SynthProvider#warmupAsync(String, WarmupOptions)}. */
    public boolean warmup(String model) {
        return provider.warmup(model);
    }

    /** The openai-java style namespace: {@code client.chat().completions().create(request)}. */
    public Chat chat() {
        return chat;
    }

    /** The provider behind this client. */
    public SynthProvider provider() {
        return provider;
    }

    /** Releases the HTTP client. Idempotent. */
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

        /** Sends a chat completion and waits for it. */
        public ChatCompletion create(ChatCompletionRequest request) {
            return provider.createChatCompletion(request);
        }

        /**
         * Sends a chat completion and reads the answer as {@code type}; see
         * {@link UnifiedLMProvider#createChatCompletion(ChatCompletionRequest, Class)}.
         *
         * @throws RefusalException if the model refused
         * @throws OutputParseException if the answer does not read as the type
         */
        public <T> ParsedChatCompletion<T> create(ChatCompletionRequest request, Class<T> type) {
            return provider.createChatCompletion(request, type);
        }

        /** Streams a chat completion; close the stream when done. */
        public ChatCompletionStream createStreaming(ChatCompletionRequest request) {
            return provider.streamChatCompletion(request);
        }
    }
}
