package ai.synth.lm;

import ai.synth.lm.internal.ChatAnswer;
import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.internal.ProviderSettings;
import ai.synth.lm.internal.http.Response;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** What every provider shares: one engine, seen synchronously and asynchronously. */
abstract class AbstractProvider implements UnifiedLMProvider {

    final HttpEngine engine;

    AbstractProvider(ProviderSettings settings) {
        this.engine = new HttpEngine(settings);
    }

    @Override
    public String name() {
        return engine.settings().provider();
    }

    @Override
    public ChatCompletion createChatCompletion(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        engine.ensureOpen();
        return engine.chatBlocking(request);
    }

    @Override
    public CompletableFuture<ChatCompletion> createChatCompletionAsync(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        return engine.chat(request);
    }

    @Override
    public RawResponse<ChatCompletion> createChatCompletionRaw(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        engine.ensureOpen();
        return engine.chatBlocking(request, RAW);
    }

    @Override
    public CompletableFuture<RawResponse<ChatCompletion>> createChatCompletionRawAsync(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        return engine.chat(request, RAW);
    }

    /** A chat call's completion with the status, header fields and body of the response it came in. */
    private static final ChatAnswer<RawResponse<ChatCompletion>> RAW = new ChatAnswer<>() {
        @Override
        public RawResponse<ChatCompletion> of(ChatCompletion completion, Response response) {
            return new RawResponse<>(completion, response.status(), response.headers(), response.bytes());
        }

        @Override
        public ChatCompletion completion(RawResponse<ChatCompletion> answer) {
            return answer.parsed();
        }
    };

    @Override
    public ChatCompletionStream streamChatCompletion(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        engine.ensureOpen();
        return new ChatCompletionStream(engine.streamBlocking(request));
    }

    @Override
    public Flow.Publisher<ChatCompletionChunk> streamChatCompletionAsync(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        return engine.stream(request);
    }

    @Override
    public CompletableFuture<java.util.List<Model>> listModelsAsync() {
        return ai.synth.lm.internal.ModelList.fetch(engine);
    }

    @Override
    public WarmupResult warmup(String model, WarmupOptions options) {
        return Futures.await(warmupAsync(model, options));
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + engine.settings().apiBase() + (engine.isClosed() ? ", closed]" : "]");
    }
}
