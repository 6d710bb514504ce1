package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call its caller ends early is told as cancelled: neither a success nor a failure. */
class ListenerCancelTest {

    private static final String KEY = "sk-test-listener-cancel-51c2";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hi")));

    private final RecordingListener listener = new RecordingListener();
    private LocalBackend backend;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private SynthProvider provider() {
        return new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(new RecordingScheduler()).listener(listener).build());
    }

    @Test
    void closingAStreamBeforeItsEndIsToldAsCancelled() {
        backend.enqueue(Fault.streamStall());
        try (SynthProvider provider = provider()) {
            ChatCompletionStream stream = provider.streamChatCompletion(HELLO);
            Iterator<ChatCompletionChunk> chunks = stream.iterator();
            chunks.next();

            stream.close();
        }

        assertThat(listener.lines).containsExactly("start synth " + MODEL + " stream", "attempt 1 200",
                "end cancelled after 1");
        LMListener.CallEnd end = listener.ends.get(0);
        assertThat(end.cancelled()).isTrue();
        assertThat(end.succeeded()).isFalse();
        assertThat(end.error()).isNull();
        assertThat(end.timeToFirstChunk()).isNotNull();
        assertThat(end.responseModel()).isEqualTo(MODEL);
    }

    @Test
    void cancellingASubscriptionBeforeItsEndIsToldAsCancelled() throws Exception {
        backend.enqueue(Fault.streamStall());
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        try (SynthProvider provider = provider()) {
            provider.streamChatCompletionAsync(HELLO).subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(ChatCompletionChunk item) {
                    subscription.cancel();
                    cancelled.complete(null);
                }

                @Override
                public void onError(Throwable t) {
                    cancelled.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    cancelled.completeExceptionally(new AssertionError("a stalled stream cannot complete"));
                }
            });
            cancelled.get(30, TimeUnit.SECONDS);
        }

        assertThat(listener.lines("end")).containsExactly("end cancelled after 1");
        assertThat(listener.ends.get(0).timeToFirstChunk()).isNotNull();
    }

    @Test
    void closingAStreamAfterItsEndIsToldAsItsEnd() {
        try (SynthProvider provider = provider()) {
            ChatCompletionStream stream = provider.streamChatCompletion(HELLO);
            stream.forEach(chunk -> { });

            stream.close();
        }

        assertThat(listener.lines("end")).containsExactly("end ok after 1");
    }

    @Test
    void cancellingTheFutureOfAnAsyncCallIsToldAsCancelled() {
        backend.enqueue(Fault.slowHeaders(Duration.ofMinutes(1)));
        try (SynthProvider provider = provider()) {
            CompletableFuture<ChatCompletion> call = provider.createChatCompletionAsync(HELLO);

            call.cancel(true);
        }

        assertThat(listener.ends).singleElement().satisfies(end -> {
            assertThat(end.cancelled()).isTrue();
            assertThat(end.error()).isNull();
        });
    }
}
