package ai.synth.lm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Switches providers per call: each method takes an optional provider name, and the default comes from the
 * constructor or {@code LM_PROVIDER} (else {@code synth}).
 *
 * <pre>{@code
 * try (UnifiedLMClient client = new UnifiedLMClient()) {
 *     client.createChatCompletion(request, "synth");
 *     client.createChatCompletion(request.withModel("gpt-4o-mini"), "openai");
 * }
 * }</pre>
 *
 * Providers are created on first use, once each, and closed with the client; a provider whose settings are
 * missing fails only when it is used. Thread-safe.
 */
public final class UnifiedLMClient implements AutoCloseable {

    private final String defaultProvider;
    private final Function<String, UnifiedLMProvider> factory;
    private final Map<String, UnifiedLMProvider> providers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A client whose default provider is {@code LM_PROVIDER}, else {@code synth}. */
    public UnifiedLMClient() {
        this(SynthLM.defaultProvider());
    }

    /**
     * A client with the given default provider; providers read their settings from the environment.
     *
     * @throws IllegalArgumentException if the name is not a known provider
     */
    public UnifiedLMClient(String defaultProvider) {
        this(defaultProvider, SynthLM::createProvider);
    }

    /**
     * A client with explicit settings for each provider; a null config means "from the environment".
     *
     * @throws IllegalArgumentException if the name is not a known provider
     */
    public UnifiedLMClient(String defaultProvider, SynthConfig synth, OpenAIConfig openai) {
        this(defaultProvider, name -> name.equals("synth")
                ? new SynthProvider(synth != null ? synth : SynthConfig.fromEnv())
                : new OpenAIProvider(openai != null ? openai : OpenAIConfig.fromEnv()));
    }

    private UnifiedLMClient(String defaultProvider, Function<String, UnifiedLMProvider> factory) {
        this.defaultProvider = SynthLM.normalize(defaultProvider);
        this.factory = factory;
    }

    /** The provider used when a call names none. */
    public String defaultProvider() {
        return defaultProvider;
    }

    /**
     * The named provider, created on first use.
     *
     * @throws IllegalArgumentException if the name is not a known provider
     * @throws ConfigurationException if its settings are missing
     * @throws IllegalStateException if the client is closed
     */
    public UnifiedLMProvider provider(String name) {
        String key = SynthLM.normalize(name);
        if (closed.get()) {
            throw new IllegalStateException("This UnifiedLMClient is closed: create a new one to make more calls");
        }
        UnifiedLMProvider provider = providers.computeIfAbsent(key, factory);
        if (closed.get()) {
            provider.close();
            throw new IllegalStateException("This UnifiedLMClient is closed: create a new one to make more calls");
        }
        return provider;
    }

    /** A chat completion on the default provider. */
    public ChatCompletion createChatCompletion(ChatCompletionRequest request) {
        return createChatCompletion(request, defaultProvider);
    }

    /** A chat completion on the named provider. */
    public ChatCompletion createChatCompletion(ChatCompletionRequest request, String provider) {
        return provider(provider).createChatCompletion(request);
    }

    /** A chat completion with just a model and messages on the named provider. */
    public ChatCompletion createChatCompletion(String model, List<? extends ChatMessage> messages, String provider) {
        return provider(provider).createChatCompletion(model, messages);
    }

    /** A chat completion on the default provider, without blocking. */
    public CompletableFuture<ChatCompletion> createChatCompletionAsync(ChatCompletionRequest request) {
        return createChatCompletionAsync(request, defaultProvider);
    }

    /** A chat completion on the named provider, without blocking. */
    public CompletableFuture<ChatCompletion> createChatCompletionAsync(ChatCompletionRequest request, String provider) {
        return provider(provider).createChatCompletionAsync(request);
    }

    /** Streams a chat completion on the named provider; see {@link UnifiedLMProvider#streamChatCompletion}. */
    public ChatCompletionStream streamChatCompletion(ChatCompletionRequest request, String provider) {
        return provider(provider).streamChatCompletion(request);
    }

    /** Streams a chat completion on the named provider as a publisher. */
    public java.util.concurrent.Flow.Publisher<ChatCompletionChunk> streamChatCompletionAsync(
            ChatCompletionRequest request, String provider) {
        return provider(provider).streamChatCompletionAsync(request);
    }

    /** Warms the model up on the named provider; true at once for providers without warmup. */
    public boolean warmup(String model, String provider) {
        return provider(provider).warmup(model);
    }

    /** Closes every provider this client created. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            providers.values().forEach(UnifiedLMProvider::close);
        }
    }

    @Override
    public String toString() {
        return "UnifiedLMClient[default=" + defaultProvider + ", open=" + providers.keySet() + "]";
    }
}
