package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ListenerTest {

    private static final String KEY = "sk-test-listener-7d1e";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hi")));

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private SynthProvider provider(LMListener l) {
        return new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(scheduler).listener(l).build());
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void tellsEachAttemptTheRetryWaitAndTheEndOfACall(Face face) {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(2)));
        try (SynthProvider provider = provider(listener)) {
            face.call(provider, HELLO);
        }

        assertThat(listener.lines).containsExactly("start synth " + MODEL, "attempt 1 429", "retry 1 in 2000 ms",
                "attempt 2 200", "end ok after 2");
        LMListener.CallEnd end = listener.ends.get(0);
        assertThat(end.finishReasons()).containsExactly("stop");
        assertThat(end.usage().totalTokens()).isPositive();
        assertThat(end.responseId()).isNotBlank();
        assertThat(end.responseModel()).isEqualTo(MODEL);
        assertThat(end.completion()).isNotNull();
        assertThat(end.timeToFirstChunk()).isNull();
        assertThat(end.call().serverAddress()).isEqualTo("127.0.0.1");
        assertThat(end.call().serverPort()).isEqualTo(backend.port());
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void tellsTheEndOfAStreamWithItsTimeToFirstChunk(StreamFace face) {
        try (SynthProvider provider = provider(listener)) {
            face.read(provider, HELLO.toBuilder().includeUsage(true).build());
        }

        assertThat(listener.lines).containsExactly("start synth " + MODEL + " stream", "attempt 1 200",
                "end ok after 1");
        LMListener.CallEnd end = listener.ends.get(0);
        assertThat(end.timeToFirstChunk()).isNotNull().isLessThanOrEqualTo(end.duration());
        assertThat(end.finishReasons()).containsExactly("stop");
        assertThat(end.usage()).isNotNull();
        assertThat(end.responseModel()).isEqualTo(MODEL);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void tellsTheFinalFailureOfACall(Face face) {
        backend.enqueue(Fault.status(400));
        try (SynthProvider provider = provider(listener)) {
            assertThatThrownBy(() -> face.call(provider, HELLO)).isInstanceOf(ApiException.class);
        }

        assertThat(listener.lines).containsExactly("start synth " + MODEL, "attempt 1 400",
                "end ApiException after 1");
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aListenerThatThrowsNeverBreaksTheCallAndIsLoggedOnce(Face face) {
        LMListener throwing = new ThrowingListener();
        try (LogCapture log = LogCapture.start(); SynthProvider provider = provider(LMListener.of(throwing, listener))) {
            backend.enqueue(Fault.status(503));
            assertThat(face.call(provider, HELLO).choices()).hasSize(1);
            assertThat(face.call(provider, HELLO).choices()).hasSize(1);

            // a warning the first time a listener class throws from a method, then debug lines
            assertThat(log.linesContaining("threw from callStarted")).isEqualTo(2);
            assertThat(log.linesContaining("threw from callStarted; the call goes on")).isLessThanOrEqualTo(1);
        }
        assertThat(listener.lines("end")).containsExactly("end ok after 2", "end ok after 1");
    }

    @Test
    void aSlowListenerOnAnExecutorNeverStallsTheCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LMListener blocking = new LMListener() {
            @Override
            public void callStarted(LMCall call) {
                await(release);
            }

            @Override
            public void attemptEnded(Attempt attempt) {
                await(release);
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SynthProvider provider = provider(LMListener.of(LMListener.onExecutor(blocking, executor), listener))) {
            assertThat(provider.createChatCompletion(HELLO).choices()).hasSize(1);
            assertThat(Futures.await(provider.createChatCompletionAsync(HELLO)).choices()).hasSize(1);
        } finally {
            release.countDown();
            executor.shutdown();
        }
        assertThat(listener.lines("end")).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void headersAddedWhenTheCallStartsReachTheServerOnEveryAttempt(Face face) {
        LMListener tracing = new LMListener() {
            @Override
            public void callStarted(LMCall call) {
                call.header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            }
        };
        backend.enqueue(Fault.status(503));
        try (SynthProvider provider = provider(tracing)) {
            face.call(provider, HELLO);
        }

        assertThat(backend.requests()).hasSize(2).allSatisfy(r -> assertThat(r.header("traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    @Test
    void refusesHeadersTheLibrarySetsItselfOrThatAreMalformed() {
        LMCall call = new LMCall("synth", null, "localhost", 80, HELLO, false);
        assertThatThrownBy(() -> call.header("Authorization", "Bearer x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set by synth-lm itself");
        assertThatThrownBy(() -> call.header("bad name", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid HTTP header name");
        assertThatThrownBy(() -> call.header("x-ok", "a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line breaks");
        call.headers();
        assertThatThrownBy(() -> call.header("x-late", "1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tellsWhenAConnectionIsOpened() {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)), "the JDK client pools alone");
        try (SynthProvider provider = provider(listener)) {
            provider.createChatCompletion(HELLO);
            provider.createChatCompletion(HELLO);
        }
        assertThat(listener.events).filteredOn(e -> e instanceof LMListener.Connection).hasSize(1)
                .first().extracting(e -> ((LMListener.Connection) e).authority()).asString()
                .contains(String.valueOf(backend.port()));
    }

    @Test
    void tellsWarmupProgress() {
        try (SynthProvider provider = provider(listener)) {
            provider.warmup(MODEL);
        }
        assertThat(listener.lines("warmup")).isNotEmpty().last().isEqualTo("warmup warmed");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws from every event. */
    private static final class ThrowingListener implements LMListener {
        @Override
        public void callStarted(LMCall call) {
            throw new IllegalStateException("boom");
        }

        @Override
        public void callEnded(CallEnd end) {
            throw new IllegalStateException("boom");
        }

        @Override
        public void attemptEnded(Attempt attempt) {
            throw new IllegalStateException("boom");
        }

        @Override
        public void retryScheduled(Retry retry) {
            throw new IllegalStateException("boom");
        }
    }
}
