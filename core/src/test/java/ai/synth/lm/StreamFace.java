package ai.synth.lm;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The two faces of a streamed call, so each behaviour is tested through both: the sync iterator of
 * {@link ChatCompletionStream} and the {@link Flow.Publisher} read by a subscriber that asks for one chunk at a time.
 * Either way the chunks come back as a list, or the stream's {@link SynthLMException} is thrown.
 */
enum StreamFace {
    SYNC {
        @Override
        List<ChatCompletionChunk> read(UnifiedLMProvider provider, ChatCompletionRequest request) {
            return assertTimeoutPreemptively(HUNG, () -> { // a hung stream fails the test instead of hanging the build
                try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
                    List<ChatCompletionChunk> chunks = new ArrayList<>();
                    stream.forEach(chunks::add);
                    return chunks;
                }
            });
        }
    },
    ASYNC {
        @Override
        List<ChatCompletionChunk> read(UnifiedLMProvider provider, ChatCompletionRequest request) {
            return collect(provider.streamChatCompletionAsync(request));
        }
    };

    /** Far above any wait a test expects; only a hung stream reaches it. */
    static final Duration HUNG = Duration.ofSeconds(30);

    /** Reads the whole stream. */
    abstract List<ChatCompletionChunk> read(UnifiedLMProvider provider, ChatCompletionRequest request);

    /** Reads the whole stream and merges it. */
    ChatCompletion completion(UnifiedLMProvider provider, ChatCompletionRequest request) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        read(provider, request).forEach(acc::accumulate);
        return acc.result();
    }

    /** Subscribes with one-at-a-time demand and waits for the end; rethrows the stream's error. */
    static List<ChatCompletionChunk> collect(Flow.Publisher<ChatCompletionChunk> publisher) {
        return collect(publisher, chunk -> {});
    }

    /** As {@link #collect(Flow.Publisher)}; {@code onChunk} runs on each chunk as it arrives, before more is asked. */
    static List<ChatCompletionChunk> collect(Flow.Publisher<ChatCompletionChunk> publisher,
            Consumer<ChatCompletionChunk> onChunk) {
        Collector collector = new Collector(onChunk);
        publisher.subscribe(collector);
        try {
            return collector.done.get(HUNG.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the stream did not end within " + HUNG, e);
        }
    }

    /** Requests one chunk at a time and checks the subscriber rules the publisher must keep. */
    static final class Collector implements Flow.Subscriber<ChatCompletionChunk> {
        final CompletableFuture<List<ChatCompletionChunk>> done = new CompletableFuture<>();
        final List<ChatCompletionChunk> chunks = new ArrayList<>();
        private final Consumer<ChatCompletionChunk> onChunk;
        private Flow.Subscription subscription;
        private long outstanding;
        private int subscribes;

        Collector() {
            this(chunk -> {});
        }

        Collector(Consumer<ChatCompletionChunk> onChunk) {
            this.onChunk = onChunk;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            if (++subscribes > 1) {
                done.completeExceptionally(new AssertionError("onSubscribe twice"));
            }
            subscription = s;
            outstanding = 1;
            s.request(1);
        }

        @Override
        public synchronized void onNext(ChatCompletionChunk chunk) {
            if (outstanding-- <= 0 || done.isDone()) {
                done.completeExceptionally(new AssertionError("onNext without demand or after the end: " + chunk));
                return;
            }
            chunks.add(chunk);
            onChunk.accept(chunk);
            outstanding++;
            subscription.request(1);
        }

        @Override
        public synchronized void onError(Throwable t) {
            if (!done.completeExceptionally(t)) {
                throw new AssertionError("a second terminal signal", t);
            }
        }

        @Override
        public synchronized void onComplete() {
            if (!done.complete(List.copyOf(chunks))) {
                throw new AssertionError("a second terminal signal");
            }
        }
    }
}
