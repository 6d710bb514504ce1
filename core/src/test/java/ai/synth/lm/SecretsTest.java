package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API keys never leak: not in exception messages (nor their causes), {@code providerMessage()}, {@code toString()}
 * of configs, providers, clients and results, nor in any log line, whatever the failure. Every test captures the
 * log at DEBUG and checks it for the key afterwards.
 */
class SecretsTest {

    private static final String KEY = "sk-LEAKCHECK-1234567890";
    private static final String ECHO = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest REQUEST =
            ChatCompletionRequest.of(MODEL, List.of(ChatMessage.user("Hello!")));

    private LogCapture log;
    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final List<Object> seen = new CopyOnWriteArrayList<>();
    private SynthProvider provider;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        log = LogCapture.start();
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(2).build().start();
        provider = new SynthProvider(config().build());
    }

    @AfterEach
    void stop() {
        try {
            provider.close();
            backend.close();
            seen.add(provider);
            seen.forEach(SecretsTest::assertNoKey);
            assertThat(log.text()).as("the captured log").doesNotContain(KEY);
        } finally {
            log.close();
            Warmer.clearCache();
        }
    }

    private SynthConfig.Builder config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of()).scheduler(scheduler);
    }

    /** Makes the call through the face and returns what it threw, after checking it names no key. */
    private SynthLMException failure(Face face, UnifiedLMProvider p) {
        Throwable t = catchThrowable(() -> face.call(p, REQUEST));
        assertThat(t).isInstanceOf(SynthLMException.class);
        seen.add(t);
        return (SynthLMException) t;
    }

    private static void assertNoKey(Object o) {
        assertNoKey(o, KEY);
    }

    private static void assertNoKey(Object o, String key) {
        StringWriter text = new StringWriter();
        if (o instanceof Throwable t) {
            t.printStackTrace(new PrintWriter(text)); // every message, cause and suppressed exception
        } else {
            text.write(String.valueOf(o));
        }
        if (o instanceof SynthLMException e) {
            text.write(" " + e.providerMessage());
        }
        if (o instanceof WarmupException e) {
            text.write(" " + e.result());
        }
        assertThat(text.toString()).as("what %s shows", o.getClass().getSimpleName()).doesNotContain(key);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aRejectedKeyIsNotShown(Face face) {
        try (LocalBackend other = LocalBackend.builder().apiKey("sk-the-servers-own-key").build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(other.baseUrl()).build())) {
            SynthLMException e = failure(face, p);
            assertThat(e).isInstanceOf(AuthenticationException.class);
            assertThat(other.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY); // it was sent
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void anErrorBodyEchoingTheKeyIsScrubbed(Face face) {
        backend.enqueue(Fault.body(401, "application/json", ECHO));
        SynthLMException e = failure(face, provider);
        assertThat(e).isInstanceOf(AuthenticationException.class);
        assertThat(e.providerMessage()).isEqualTo("Incorrect API key provided: ****");
        assertThat(e.getMessage()).contains("Incorrect API key provided: ****");
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 400, 403, 429, 500})
    void everyErrorStatusEchoingTheKeyIsScrubbed(int status) {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(Fault.body(status, "application/json", ECHO));
        }
        SynthLMException e = failure(Face.SYNC, provider);
        assertThat(e).isInstanceOf(ApiException.class);
        assertThat(e.providerMessage()).contains("****");
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aPlainTextErrorEchoingTheKeyIsScrubbed(Face face) {
        backend.enqueue(Fault.body(400, "text/plain", "bad request with Authorization: Bearer " + KEY));
        SynthLMException e = failure(face, provider);
        assertThat(e.providerMessage()).isEqualTo("bad request with Authorization: Bearer ****");
    }

    @Test
    void aShortPlaceholderKeyIsNotScrubbedOutOfOrdinaryWords() {
        try (LocalBackend other = LocalBackend.builder().apiKey("sk-the-servers-own-key").build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(other.baseUrl()).apiKey("k").build())) {
            AuthenticationException e = catchThrowableOfType(AuthenticationException.class, () -> p.createChatCompletion(REQUEST));
            assertThat(e.providerMessage()).isEqualTo("Incorrect API key provided to the synth-lm local backend.");
            assertThat(e.getMessage()).contains("Check SYNTH_API_KEY");
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void exhaustedRateLimitsAreLoggedAndThrownWithoutTheKey(Face face) {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(Fault.rateLimited());
        }
        SynthLMException e = failure(face, provider);
        assertThat(e).isInstanceOf(RateLimitException.class);
        // The capture works: the retries were logged, so the check of the log below is not vacuous.
        assertThat(log.linesContaining("Retrying synth request")).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void serverErrorsAfterRetries(Face face) {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(Fault.status(500));
        }
        assertThat(failure(face, provider)).isInstanceOf(ApiException.class);
        assertThat(log.linesContaining("Retrying")).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void malformedJson(Face face) {
        backend.enqueue(Fault.malformedJson());
        assertThat(failure(face, provider)).isInstanceOf(InvalidResponseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\": sk-LEAKCHECK-1234567890}", "{\"id\": \"sk-LEAKCHECK-1234567890\", \"choices\": 7}",
            "{\"choices\": [{\"message\": \"sk-LEAKCHECK-1234567890\"}]}"})
    void aMalformedSuccessBodyHoldingTheKeyIsNotQuoted(String body) {
        backend.enqueue(Fault.body(200, "application/json", body));
        assertThat(failure(Face.SYNC, provider)).isInstanceOf(InvalidResponseException.class);
    }

    @Test
    void aKeyOfIdentifierCharactersThatJacksonWouldQuoteIsNotQuotedEither() {
        String key = "sk_LEAKCHECK_0987654321"; // Jackson's errors quote a whole bad token of identifier characters
        try (LocalBackend open = LocalBackend.builder().build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(open.baseUrl()).apiKey(key).build())) {
            open.enqueue(Fault.body(200, "application/json", "{\"id\": " + key + "}"));
            open.enqueue(Fault.replay(("data: {\"id\": " + key + "}\n\n").getBytes(StandardCharsets.UTF_8)));
            Throwable whole = catchThrowableOfType(InvalidResponseException.class, () -> p.createChatCompletion(REQUEST));
            Throwable streamed = catchThrowableOfType(InvalidResponseException.class, () -> {
                try (ChatCompletionStream s = p.streamChatCompletion(REQUEST)) {
                    s.toCompletion();
                }
            });
            assertThat(whole.getMessage()).contains("****");
            assertNoKey(whole, key);
            assertNoKey(streamed, key);
            assertThat(log.text()).doesNotContain(key);
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void disconnectsBeforeAndAfterTheHeaders(Face face) {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(i % 2 == 0 ? Fault.disconnectBeforeHeaders() : Fault.disconnectAfterHeaders());
        }
        assertThat(failure(face, provider)).isInstanceOf(ConnectionException.class);
        assertThat(log.linesContaining("Retrying")).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void connectionRefused(Face face) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SynthProvider p = new SynthProvider(config().baseUrl("http://127.0.0.1:" + port).maxRetries(1).build())) {
            assertThat(failure(face, p)).isInstanceOf(ConnectionException.class);
            seen.add(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aTimeout(Face face) {
        backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(5)));
        try (SynthProvider p = new SynthProvider(config().timeout(Duration.ofMillis(200)).maxRetries(0).build())) {
            assertThat(failure(face, p)).isInstanceOf(RequestTimeoutException.class);
        }
    }

    @Test
    void closingWhileACallIsInFlight() {
        backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(5)));
        CompletableFuture<ChatCompletion> call = provider.createChatCompletionAsync(REQUEST);
        provider.close();
        seen.add(catchThrowableOfType(ConnectionException.class, () -> Futures.await(call)));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aWarmupRejectedWithABodyEchoingTheKey(Face face) {
        backend.enqueueFor("/warmup/", Fault.body(401, "application/json", ECHO));
        WarmupResult result = warmup(face, WarmupOptions.defaults());
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.REJECTED);
        assertThat(result.error()).contains("HTTP 401").contains("Incorrect API key provided: ****");
        seen.add(catchThrowableOfType(WarmupException.class, result::orThrow));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aFailedWarmupWhoseReasonEchoesTheKey(Face face) {
        backend.failWarmup(MODEL, "no GPU for key " + KEY);
        List<WarmupEvent> events = new CopyOnWriteArrayList<>();
        WarmupResult result = warmup(face, WarmupOptions.builder().listener(events::add).build());
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.FAILED);
        assertThat(result.error()).contains("no GPU for key ****");
        seen.addAll(events);
        seen.add(catchThrowableOfType(WarmupException.class, result::orThrow));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void warmupStatusChecksThatFailOrAnswerGarbageEchoingTheKey(Face face) {
        backend.enqueueFor("/warmup/status/", Fault.body(500, "application/json", ECHO));
        backend.enqueueFor("/warmup/status/", Fault.body(200, "text/plain", "token " + KEY + " is warming"));
        List<WarmupEvent> events = new CopyOnWriteArrayList<>();
        WarmupResult result = warmup(face, WarmupOptions.builder().listener(events::add).build());
        assertThat(result.warm()).isTrue();
        assertThat(events).extracting(WarmupEvent::status).contains("error", "unknown");
        assertThat(log.linesContaining("Warmup status body is not JSON")).isEqualTo(1);
        seen.addAll(events);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void warmupsThatCannotConnectOrRunOut(Face face) throws Exception {
        try (LocalBackend cold = LocalBackend.builder().apiKey(KEY).warmAfterPolls(100).build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(cold.baseUrl()).build())) {
            WarmupOptions once = WarmupOptions.builder().maxAttempts(1).build();
            WarmupResult exhausted = face == Face.SYNC ? p.warmup(MODEL, once) : p.warmupAsync(MODEL, once).join();
            assertThat(exhausted.outcome()).isEqualTo(WarmupResult.Outcome.EXHAUSTED);
            seen.add(exhausted);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SynthProvider p = new SynthProvider(config().baseUrl("http://127.0.0.1:" + port).build())) {
            WarmupResult refused = p.warmup(MODEL, WarmupOptions.defaults());
            assertThat(refused.outcome()).isEqualTo(WarmupResult.Outcome.REJECTED);
            seen.add(refused);
            seen.add(catchThrowableOfType(WarmupException.class, refused::orThrow));
        }
    }

    private WarmupResult warmup(Face face, WarmupOptions options) {
        WarmupResult result = face == Face.SYNC ? provider.warmup(MODEL, options)
                : provider.warmupAsync(MODEL, options).join();
        seen.add(result);
        return result;
    }

    @Test
    void streamsThatFailEchoingTheKey() {
        backend.enqueue(Fault.body(401, "application/json", ECHO));
        seen.add(catchThrowableOfType(AuthenticationException.class, () -> provider.streamChatCompletion(REQUEST)));

        backend.enqueue(Fault.streamErrorEvent("Incorrect API key provided: " + KEY));
        SynthLMException midStream = catchThrowableOfType(ApiException.class, () -> {
            try (ChatCompletionStream s = provider.streamChatCompletion(REQUEST)) {
                s.toCompletion();
            }
        });
        assertThat(midStream.providerMessage()).isEqualTo("Incorrect API key provided: ****");
        seen.add(midStream);

        for (String chunk : List.of("data: {\"id\": " + KEY + "}\n\n", "data: {\"id\": \"x\", \"choices\": \"" + KEY + "\"}\n\n",
                "event: error\ndata: " + KEY + "\n\n")) {
            backend.enqueue(Fault.replay(chunk.getBytes(StandardCharsets.UTF_8)));
            seen.add(catchThrowableOfType(SynthLMException.class, () -> {
                try (ChatCompletionStream s = provider.streamChatCompletion(REQUEST)) {
                    s.toCompletion();
                }
            }));
        }
    }

    @Test
    void asyncStreamsThatFailEchoingTheKey() {
        backend.enqueue(Fault.streamErrorEvent("Incorrect API key provided: " + KEY));
        backend.enqueue(Fault.replay(("data: {\"id\": " + KEY + "}\n\n").getBytes(StandardCharsets.UTF_8)));
        backend.enqueue(Fault.body(401, "application/json", ECHO));
        for (int i = 0; i < 3; i++) {
            Throwable error = errorOf(provider.streamChatCompletionAsync(REQUEST));
            assertThat(error).isInstanceOf(SynthLMException.class);
            seen.add(error);
        }
    }

    private static Throwable errorOf(Flow.Publisher<ChatCompletionChunk> publisher) {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatCompletionChunk chunk) {}

            @Override
            public void onError(Throwable t) {
                error.complete(t);
            }

            @Override
            public void onComplete() {
                error.complete(null);
            }
        });
        return error.join();
    }

    @Test
    void toStringsNeverShowTheKey() {
        OpenAIConfig openai = OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
                .environment(Map.of()).build();
        SynthConfig synth = config().build();
        try (OpenAIProvider o = new OpenAIProvider(openai);
                UnifiedLMClient unified = new UnifiedLMClient("synth", synth, openai);
                SyncSynthClient sync = new SyncSynthClient(synth);
                AsyncSynthClient async = new AsyncSynthClient(synth)) {
            unified.provider("synth");
            unified.provider("openai");
            seen.addAll(List.of(openai, synth, o, unified, sync, async, sync.provider(), async.provider(),
                    provider.engine.settings(), o.engine.settings()));
            assertThat(synth.toString()).contains("apiKey=****");
            assertThat(openai.toString()).contains("apiKey=****");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.invalid", "http://example.invalid:8080/v1", "HTTP://example.invalid",
            "http://127.0.0.1.example.invalid", "http://localhost.example.invalid"})
    void aPlainHttpUrlThatIsNotLoopbackWarnsOnceThatTheKeyTravelsInClearText(String url) {
        try (SynthProvider p = new SynthProvider(config().baseUrl(url).build())) {
            assertThat(log.linesContaining("clear text")).isEqualTo(1);
            assertThat(log.text()).contains("WARN").contains("plain http and not loopback");
            seen.add(p);
        }
        try (OpenAIProvider p = new OpenAIProvider(OpenAIConfig.builder().baseUrl(url).apiKey(KEY)
                .environment(Map.of()).build())) {
            assertThat(log.linesContaining("clear text")).isEqualTo(2);
        }
        assertThat(backend.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1", "http://127.1.2.3:1", "http://localhost:1", "http://LOCALHOST:1",
            "http://[::1]:1", "https://example.invalid"})
    void loopbackOrHttpsUrlsDoNotWarn(String url) {
        try (SynthProvider p = new SynthProvider(config().baseUrl(url).build())) {
            seen.add(p);
        }
        assertThat(log.linesContaining("clear text")).isZero();
    }
}
