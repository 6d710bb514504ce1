package ai.synth.lm;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One interface over every provider: chat completions (sync and async) and model warmup.
 *
 * <pre>{@code
 * try (UnifiedLMProvider provider = SynthLM.createProvider("synth")) {
 *     provider.warmup("Qwen/Qwen2.5-7B-Instruct");
 *     ChatCompletion response = provider.createChatCompletion(
 *         "Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
 *     System.out.println(response.choices().get(0).message().content());
 * }
 * }</pre>
 *
 * <p>Providers are thread-safe and meant to be shared: each holds one HTTP client with its connection pool.
 * Close them when done; calls made after {@link #close()} throw {@link IllegalStateException}. Failures surface
 * as {@link SynthLMException} subtypes, thrown by the sync methods and completing the async futures.
 */
public interface UnifiedLMProvider extends AutoCloseable {

    /** The provider name: {@code synth} or {@code openai}. */
    String name();

    /**
     * Sends a chat completion and waits for it, retrying as configured.
     *
     * @throws SynthLMException if the call failed after its retries
     * @throws IllegalStateException if the provider is closed
     */
    ChatCompletion createChatCompletion(ChatCompletionRequest request);

    /**
     * Sends a chat completion with just a model and messages.
     *
     * @throws IllegalArgumentException if the model is empty or there are no messages
     * @throws SynthLMException if the call failed after its retries
     */
    default ChatCompletion createChatCompletion(String model, List<? extends ChatMessage> messages) {
        return createChatCompletion(ChatCompletionRequest.of(model, messages));
    }

    /**
     * Sends a chat completion without blocking. Retries are scheduled, not slept. The future fails with a
     * {@link SynthLMException} subtype; cancelling it abandons the call. Dependent stages added without an
     * executor run on the provider's bounded pool of HTTP threads: keep them short, or pass your own executor
     * ({@code thenApplyAsync(fn, executor)}) for blocking work.
     *
     * @throws IllegalStateException if the provider is closed
     */
    CompletableFuture<ChatCompletion> createChatCompletionAsync(ChatCompletionRequest request);

    /** Sends a chat completion with just a model and messages, without blocking. */
    default CompletableFuture<ChatCompletion> createChatCompletionAsync(String model, List<? extends ChatMessage> messages) {
        return createChatCompletionAsync(ChatCompletionRequest.of(model, messages));
    }

    /**
     * Sends a chat completion request and returns its answer together with the HTTP response it came in: status,
     * header fields (e.g. {@code x-request-id}, rate-limit headers) and the body exactly as the server sent it. The
     * same call as {@link #createChatCompletion(ChatCompletionRequest)}: the same retries, the same exceptions.
     *
     * <pre>{@code
     * RawResponse<ChatCompletion> raw = provider.createChatCompletionRaw(request);
     * log.info("request {} answered: {}", raw.requestId().orElse("-"), raw.parsed().content());
     * }</pre>
     *
     * <p>The default, for a provider that does not speak HTTP itself, wraps {@link #createChatCompletion} with
     * {@link RawResponse#withoutHttp}.
     */
    default RawResponse<ChatCompletion> createChatCompletionRaw(ChatCompletionRequest request) {
        return RawResponse.withoutHttp(createChatCompletion(request));
    }

    /**
     * The asynchronous face of {@link #createChatCompletionRaw}. The default wraps
     * {@link #createChatCompletionAsync(ChatCompletionRequest)} with {@link RawResponse#withoutHttp}.
     */
    default CompletableFuture<RawResponse<ChatCompletion>> createChatCompletionRawAsync(
            ChatCompletionRequest request) {
        return createChatCompletionAsync(request).thenApply(RawResponse::withoutHttp);
    }

    /**
     * Sends a chat completion and reads the answer as {@code type}, a record or class. When the request has no
     * response format, it asks for {@link ResponseFormat#of(Class)} of the type (a strict JSON schema); a format
     * the request has is kept.
     *
     * <pre>{@code
     * record Weather(String city, double temperatureC) {}
     *
     * Weather weather = provider.createChatCompletion(request, Weather.class).parsed();
     * }</pre>
     *
     * @throws RefusalException if the model refused, with its refusal text
     * @throws OutputParseException if the answer does not read as the type, with the text as written
     * @throws IllegalArgumentException if no JSON schema can be derived from the type
     * @throws SynthLMException if the call failed after its retries
     */
    default <T> ParsedChatCompletion<T> createChatCompletion(ChatCompletionRequest request, Class<T> type) {
        return ParsedChatCompletion.parse(createChatCompletion(StructuredRequests.asking(request, type)), type);
    }

    /**
     * Sends a chat completion without blocking and reads the answer as {@code type}; see
     * {@link #createChatCompletion(ChatCompletionRequest, Class)}. The future fails with a
     * {@link RefusalException} or {@link OutputParseException} when the answer is no {@code T}.
     *
     * @throws IllegalArgumentException if no JSON schema can be derived from the type
     */
    default <T> CompletableFuture<ParsedChatCompletion<T>> createChatCompletionAsync(ChatCompletionRequest request,
            Class<T> type) {
        return createChatCompletionAsync(StructuredRequests.asking(request, type))
                .thenApply(completion -> ParsedChatCompletion.parse(completion, type));
    }

    /**
     * Streams a chat completion: sends the request (retrying before the first byte as configured) and returns
     * once the response headers arrived; chunks are read as the loop asks for them. Close the stream when done.
     *
     * @throws SynthLMException if the call failed before streaming started
     * @throws IllegalStateException if the provider is closed
     */
    ChatCompletionStream streamChatCompletion(ChatCompletionRequest request);

    /**
     * Streams a chat completion as a {@link java.util.concurrent.Flow.Publisher} with backpressure: the request
     * is sent when the (single) subscriber subscribes; chunks are read from the network only as fast as it
     * requests them; {@code cancel()} releases the connection. No thread is held per stream. Errors arrive as
     * {@code onError} with a {@link SynthLMException}.
     *
     * @throws IllegalStateException if the provider is closed
     */
    java.util.concurrent.Flow.Publisher<ChatCompletionChunk> streamChatCompletionAsync(ChatCompletionRequest request);

    /**
     * The models the provider offers ({@code GET /models}), retried as a chat call is.
     *
     * <pre>{@code
     * provider.listModels().forEach(model -> System.out.println(model.id()));
     * }</pre>
     *
     * @throws SynthLMException if the call failed after its retries, or the answer is not a model list
     * @throws UnsupportedOperationException if the provider cannot list models (the default of this interface,
     *     for implementations written before listing existed)
     * @throws IllegalStateException if the provider is closed
     */
    default List<Model> listModels() {
        return ai.synth.lm.internal.Futures.await(listModelsAsync());
    }

    /**
     * The models the provider offers, without blocking. The default fails with
     * {@link UnsupportedOperationException}; the providers of this library list them.
     *
     * @throws IllegalStateException if the provider is closed
     */
    default CompletableFuture<List<Model>> listModelsAsync() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getSimpleName()
                + " does not list models"));
    }

    /**
     * Warms the model up with the default options and says whether it is warm. A model that warmed within the
     * last 10 minutes answers at once from the cache.
     */
    default boolean warmup(String model) {
        return warmup(model, WarmupOptions.defaults()).warm();
    }

    /** Warms the model up and says how it went. Never throws for a warmup that fails: the result says why. */
    WarmupResult warmup(String model, WarmupOptions options);

    /** Warms the model up without blocking. */
    default CompletableFuture<Boolean> warmupAsync(String model) {
        return warmupAsync(model, WarmupOptions.defaults()).thenApply(WarmupResult::warm);
    }

    /** Warms the model up without blocking, and says how it went. */
    CompletableFuture<WarmupResult> warmupAsync(String model, WarmupOptions options);

    /**
     * Releases the HTTP client. Calls still in flight fail with a {@link ConnectionException}. Closing twice is
     * harmless.
     */
    @Override
    void close();
}
