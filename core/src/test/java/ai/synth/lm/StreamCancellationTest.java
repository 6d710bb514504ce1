package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Cancelling, closing and subscribing: the stream stops promptly, releases its connection and keeps the Flow rules. */
class StreamCancellationTest {

    private static final String THREE_EVENTS = event("Hel") + event("lo") + event(" there");

    static String event(String content) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static SynthProvider providerFor(String baseUrl) {
        return new SynthProvider(SynthConfig.builder().baseUrl(baseUrl).apiKey("k").environment(Map.of())
                .scheduler(new RecordingScheduler()).build());
    }

    @Test
    void cancelMidStreamStopsSignalsAndReleasesTheConnection() throws Exception {
        try (HangingSseServer server = new HangingSseServer(THREE_EVENTS);
                SynthProvider provider = providerFor(server.baseUrl())) {
            Recorder recorder = new Recorder(1);
            recorder.cancelAfterFirst = true;

            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(recorder);

            assertThat(recorder.first.get(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS).content()).isEqualTo("Hel");
            assertThat(server.awaitClientGone()).as("the server saw the client close the connection").isTrue();
            assertThat(provider.engine.openStreamCount()).isZero();
            recorder.subscription.request(5); // after cancel, a no-op
            assertThat(recorder.signals).containsExactly("onSubscribe", "onNext Hel");
        }
    }

    @Test
    void cancelBeforeTheResponseArrivesReleasesTheConnectionWhenItComes() throws Exception {
        try (HangingSseServer server = new HangingSseServer(THREE_EVENTS);
                SynthProvider provider = providerFor(server.baseUrl())) {
            Recorder recorder = new Recorder(1);

            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(recorder);
            recorder.subscription.cancel();

            // The library's transport ends the exchange on cancel, so the request may never leave at all; the JDK
            // client sends it and closes the connection when the response comes. Either way nothing stays open.
            if (server.awaitConnection(2)) {
                assertThat(server.awaitClientGone()).isTrue();
            }
            assertThat(recorder.signals).containsExactly("onSubscribe");
        }
    }

    @Test
    void cancelInOnSubscribeSendsNoRequest() {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                SynthProvider provider = providerFor(backend.baseUrl())) {
            Recorder recorder = new Recorder(1);
            recorder.cancelInOnSubscribe = true;

            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(recorder);
            provider.createChatCompletion(StreamingTest.HELLO); // a request after it, to see what reached the backend

            assertThat(backend.requests()).singleElement()
                    .satisfies(r -> assertThat(r.bodyJson()).doesNotContainKey("stream"));
            assertThat(recorder.signals).containsExactly("onSubscribe");
            assertThat(provider.engine.openStreamCount()).isZero();
        }
    }

    @Test
    void closeMidStreamEndsTheIteratorAndReleasesTheConnection() throws Exception {
        try (HangingSseServer server = new HangingSseServer(THREE_EVENTS);
                SynthProvider provider = providerFor(server.baseUrl())) {
            ChatCompletionStream stream = provider.streamChatCompletion(StreamingTest.HELLO);
            Iterator<ChatCompletionChunk> chunks = stream.iterator();
            assertThat(chunks.next().content()).isEqualTo("Hel");

            stream.close();

            assertThat(chunks.hasNext()).as("chunks already buffered are not handed out after close").isFalse();
            assertThat(server.awaitClientGone()).isTrue();
            assertThat(provider.engine.openStreamCount()).isZero();
        }
    }

    @Test
    void breakingOutOfTheLoopInTryWithResourcesReleasesTheConnection() throws Exception {
        try (HangingSseServer server = new HangingSseServer(THREE_EVENTS);
                SynthProvider provider = providerFor(server.baseUrl())) {
            List<String> read = new ArrayList<>();
            try (ChatCompletionStream stream = provider.streamChatCompletion(StreamingTest.HELLO)) {
                for (ChatCompletionChunk chunk : stream) {
                    read.add(chunk.content());
                    break;
                }
            }

            assertThat(read).containsExactly("Hel");
            assertThat(server.awaitClientGone()).isTrue();
        }
    }

    @Test
    void closeFromAnotherThreadWakesAReaderWaitingForTheNextChunk() throws Exception {
        try (HangingSseServer server = new HangingSseServer(event("only"));
                SynthProvider provider = providerFor(server.baseUrl())) {
            ChatCompletionStream stream = provider.streamChatCompletion(StreamingTest.HELLO);
            CompletableFuture<Void> gotFirst = new CompletableFuture<>();
            CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> stream.stream()
                    .peek(chunk -> gotFirst.complete(null)).map(ChatCompletionChunk::content)
                    .collect(Collectors.toList()));
            gotFirst.get(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS); // now it waits for a chunk that never comes

            stream.close();

            assertThat(reader.get(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS)).containsExactly("only");
            assertThat(server.awaitClientGone()).isTrue();
        }
    }

    @Test
    void aSecondSubscriberGetsOnErrorAndTheFirstIsUnharmed() {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                SynthProvider provider = providerFor(backend.baseUrl())) {
            Flow.Publisher<ChatCompletionChunk> publisher = provider.streamChatCompletionAsync(StreamingTest.HELLO);
            StreamFace.Collector first = new StreamFace.Collector();
            publisher.subscribe(first);
            Recorder second = new Recorder(1);

            publisher.subscribe(second);

            assertThat(second.signals).containsExactly("onSubscribe",
                    "onError IllegalStateException: A chat completion stream can be subscribed to only once");
            assertThat(first.done.orTimeout(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS).join()).isNotEmpty();
        }
    }

    @Test
    void requestOfZeroIsAnError() {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                SynthProvider provider = providerFor(backend.baseUrl())) {
            Recorder recorder = new Recorder(0);

            provider.streamChatCompletionAsync(StreamingTest.HELLO).subscribe(recorder);

            assertThat(recorder.end.orTimeout(StreamFace.HUNG.toSeconds(), TimeUnit.SECONDS).join())
                    .startsWith("onError IllegalArgumentException: request(0)").contains("3.9");
        }
    }

    @Test
    void oneAtATimeGetsEveryChunkInTheOrderTheSyncFaceSees() {
        try (LocalBackend backend = LocalBackend.builder().streamChunkDelay(Duration.ofMillis(2)).build().start();
                SynthProvider provider = providerFor(backend.baseUrl())) {
            ChatCompletionRequest request = StreamingTest.HELLO.withMessages(List.of(ChatMessage.user(
                    "Please repeat these words in order: one two three four five six seven eight nine ten")));

            List<String> async = contents(StreamFace.ASYNC.read(provider, request));
            List<String> sync = contents(StreamFace.SYNC.read(provider, request));

            assertThat(async).hasSizeGreaterThan(20).isEqualTo(sync);
        }
    }

    @Test
    void aStreamIsIteratedOnce() {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                SynthProvider provider = providerFor(backend.baseUrl());
                ChatCompletionStream stream = provider.streamChatCompletion(StreamingTest.HELLO)) {
            assertThat(stream.toCompletion().content()).contains("Hello, stream me a few words!");

            assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class)
                    .hasMessage("A ChatCompletionStream can be iterated only once");
        }
    }

    private static List<String> contents(List<ChatCompletionChunk> chunks) {
        return chunks.stream().map(ChatCompletionChunk::content).toList();
    }

    /** Records every signal as text; requests {@code initial} at subscription (0 means request(0)). */
    static final class Recorder implements Flow.Subscriber<ChatCompletionChunk> {
        final List<String> signals = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatCompletionChunk> first = new CompletableFuture<>();
        final CompletableFuture<String> end = new CompletableFuture<>();
        private final long initial;
        volatile Flow.Subscription subscription;
        volatile boolean cancelAfterFirst;
        volatile boolean cancelInOnSubscribe;

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            signals.add("onSubscribe");
            if (cancelInOnSubscribe) {
                s.cancel();
                return;
            }
            s.request(initial);
        }

        @Override
        public void onNext(ChatCompletionChunk chunk) {
            signals.add("onNext " + chunk.content());
            if (cancelAfterFirst) {
                subscription.cancel();
            }
            first.complete(chunk);
        }

        @Override
        public void onError(Throwable t) {
            String signal = "onError " + t.getClass().getSimpleName() + ": " + t.getMessage();
            signals.add(signal);
            end.complete(signal);
        }

        @Override
        public void onComplete() {
            signals.add("onComplete");
            end.complete("onComplete");
        }
    }
}
