package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The first-byte and whole-stream timeouts, each named in its error, and a provider closed under an open stream. The
 * timeouts are short and the upper bounds generous: a loaded machine may be slow, never wrong.
 */
class StreamTimeoutTest {

    private static final Duration GENEROUS = Duration.ofSeconds(20);

    private static SynthConfig.Builder config(String baseUrl) {
        return SynthConfig.builder().baseUrl(baseUrl).apiKey("k").environment(Map.of())
                .scheduler(new RecordingScheduler());
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void headersWithoutABodyTimeOutWithKindFirstByte(StreamFace face) throws Exception {
        Duration firstByte = Duration.ofMillis(300);
        try (HangingSseServer server = new HangingSseServer("");
                SynthProvider provider = new SynthProvider(
                        config(server.baseUrl()).firstByteTimeout(firstByte).build())) {
            long start = System.nanoTime();

            RequestTimeoutException e = catchThrowableOfType(RequestTimeoutException.class,
                    () -> face.read(provider, StreamingTest.HELLO));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GENEROUS);
            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.FIRST_BYTE);
            assertThat(e.timeout()).isEqualTo(firstByte);
            assertThat(e.getMessage()).contains("first byte did not arrive within 0.3 s").contains("firstByteTimeout");
            assertThat(server.awaitClientGone()).as("the connection is released").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aStreamThatKeepsTalkingPastTheStreamTimeoutFailsWithKindStream(StreamFace face) {
        Duration whole = Duration.ofMillis(500);
        try (LocalBackend backend = LocalBackend.builder().streamChunkDelay(Duration.ofMillis(100)).build().start();
                SynthProvider provider = new SynthProvider(config(backend.baseUrl()).streamTimeout(whole).build())) {
            ChatCompletionRequest longAnswer = StreamingTest.HELLO.withMessages(List.of(ChatMessage.user(
                    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen")));

            RequestTimeoutException e = catchThrowableOfType(RequestTimeoutException.class,
                    () -> face.read(provider, longAnswer));

            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.STREAM);
            assertThat(e.timeout()).isEqualTo(whole);
            assertThat(e.getMessage()).contains("whole stream took longer than 0.5 s").contains("streamTimeout");
        }
    }

    @Test
    void aSubscriberThatAsksLateIsNotTakenForASilentServer() throws Exception {
        Duration quick = Duration.ofMillis(300);
        try (LocalBackend backend = LocalBackend.builder().build().start(); SynthProvider provider =
                new SynthProvider(config(backend.baseUrl()).firstByteTimeout(quick).idleTimeout(quick).build())) {
            LateSubscriber late = new LateSubscriber(Duration.ofSeconds(1));

            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(late);

            // waits of 1 s before the first request and before the second, both longer than the timeouts
            assertThat(late.done.get(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isEqualTo("onComplete");
            assertThat(late.chunks).hasSizeGreaterThan(3);
        }
    }

    /** Asks for one chunk after a pause, then for the rest after another pause. */
    private static final class LateSubscriber implements Flow.Subscriber<ChatCompletionChunk> {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final List<ChatCompletionChunk> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.Executor later;
        private Flow.Subscription subscription;

        LateSubscriber(Duration pause) {
            later = CompletableFuture.delayedExecutor(pause.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            later.execute(() -> s.request(1));
        }

        @Override
        public void onNext(ChatCompletionChunk chunk) {
            if (chunks.isEmpty()) {
                later.execute(() -> subscription.request(Long.MAX_VALUE));
            }
            chunks.add(chunk);
        }

        @Override
        public void onError(Throwable t) {
            done.complete("onError " + t.getMessage());
        }

        @Override
        public void onComplete() {
            done.complete("onComplete");
        }
    }

    @Test
    void closingTheProviderFailsAnOpenStreamInsteadOfLeavingItHanging() throws Exception {
        try (HangingSseServer server = new HangingSseServer(StreamCancellationTest.event("only"))) {
            SynthProvider provider = new SynthProvider(config(server.baseUrl()).build()); // 60 s idle timeout
            StreamCancellationTest.Recorder recorder = new StreamCancellationTest.Recorder(10);
            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(recorder);
            recorder.first.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);

            provider.close();

            assertThat(recorder.end.get(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isEqualTo(
                    "onError ConnectionException: The synth provider was closed while the stream was open");
            assertThat(provider.engine.openStreamCount()).isZero();
            assertThat(server.awaitClientGone()).isTrue();
        }
    }

    @Test
    void aSyncStreamReadAfterItsProviderClosedFails() throws Exception {
        try (HangingSseServer server = new HangingSseServer(StreamCancellationTest.event("only"))) {
            SynthProvider provider = new SynthProvider(config(server.baseUrl()).build());
            ChatCompletionStream stream = provider.streamChatCompletion(StreamingTest.HELLO);
            Iterator<ChatCompletionChunk> chunks = stream.iterator();
            assertThat(chunks.next().content()).isEqualTo("only");

            provider.close();

            assertThat(catchThrowableOfType(ConnectionException.class,
                    () -> assertTimeoutPreemptively(GENEROUS, chunks::hasNext)))
                    .hasMessageContaining("closed while the stream was open");
            assertThat(server.awaitClientGone()).isTrue();
        }
    }
}
