package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fault of issue 5, one test each, with what the user sees. The default {@code maxRetries} of 3 (4 attempts)
 * unless the row says otherwise; "backoff" is 0.5 s, 1 s, 2 s less up to 25% jitter, recorded by the scheduler,
 * never slept. Real time only where a timeout is the point (300 ms per attempt); the bounds are generous.
 *
 * <pre>
 * fault                                  | outcome                                              | attempts | time bound
 * ---------------------------------------+------------------------------------------------------+----------+-----------
 * connection refused                     | ConnectionException "connection refused"             | 4        | &lt; 5 s
 * DNS failure (host *.invalid)           | ConnectionException "unknown host ..."               | 4        | &lt; 20 s (*)
 * disconnect before the response         | ConnectionException                                  | 4        | &lt; 5 s
 * disconnect after headers               | ConnectionException                                  | 4        | &lt; 5 s
 * disconnect mid-body                    | ConnectionException                                  | 4        | &lt; 5 s
 * headers that never come (300 ms)       | RequestTimeoutException RESPONSE                     | 2 (1 retry) | 0.6-5 s
 * body that stalls (300 ms)              | RequestTimeoutException RESPONSE                     | 2 (1 retry) | 0.6-5 s
 * 408/409/500/502/503/504, no Retry-After| ApiException(status), backoff waits                  | 4        | &lt; 5 s
 * 408/409/500/502/503/504, Retry-After 1 | ApiException(status), waits 1 s, 1 s, 1 s            | 4        | &lt; 5 s
 * 429, without / with Retry-After 1      | RateLimitException, backoff / 1 s waits              | 4        | &lt; 5 s
 * Retry-After 0, -10, 121, inf, nan,     | retried after backoff (value ignored), then result   | 2        | &lt; 5 s
 *   Infinity, past date, garbage, huge   |                                                      |          |
 * Retry-After future date (+30 s)        | retried after exactly 30 s (by the injected clock)   | 2        | &lt; 5 s
 * retry-after-ms 250 (also over RA 5)    | retried after exactly 250 ms                         | 2        | &lt; 5 s
 * x-should-retry: true on 400            | ApiException 400 after backoff retries               | 4        | &lt; 5 s
 * x-should-retry: false on 503           | ApiException 503, no retry                           | 1        | &lt; 5 s
 * HTML error page (502 text/html)        | ApiException 502 "an HTML page ... proxy", "warm it up" | 4     | &lt; 5 s
 * error JSON body on HTTP 200            | ApiException 200 with the provider's message         | 1        | &lt; 5 s
 * empty 200 body                         | InvalidResponseException "empty body"                | 1        | &lt; 5 s
 * 200 with truncated JSON                | InvalidResponseException "not a valid chat completion" | 1      | &lt; 5 s
 * 10 MiB response, default 32 MiB limit  | the completion, all 10 MiB                           | 1        | &lt; 15 s
 * 10 MiB response, maxResponseSize 1 MiB | InvalidResponseException "larger than the limit"     | 1        | &lt; 15 s
 * 401 bad key                            | AuthenticationException naming SYNTH_API_KEY         | 1        | &lt; 5 s
 * warmup endpoint answers 404            | WarmupResult REJECTED "HTTP 404"; orThrow: WarmupException | 1 start, 0 polls | &lt; 5 s
 * warmup never finishes                  | WarmupResult EXHAUSTED after maxAttempts (5) polls   | 1 + 5    | &lt; 5 s
 * warmup flaps warming / HTTP errors     | WarmupResult WARMED (errors polled over); EXHAUSTED if never warm | 1 + 7 / 1 + 6 | &lt; 5 s
 * </pre>
 *
 * (*) Name resolution is not covered by the connect timeout of the JDK client; here {@code .invalid} fails at once
 * (NXDOMAIN), and the test is bounded anyway.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultTableTest {

    private static final String KEY = "sk-fault-table-4b1d";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));
    private static final String CHAT = "/v1/chat/completions";
    private static final Duration FAST = Duration.ofSeconds(5);

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final MutableClock clock = new MutableClock();
    private SynthProvider provider;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        provider = new SynthProvider(config().build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
        Warmer.clearCache();
    }

    private SynthConfig.Builder config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(scheduler).clock(clock);
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.of(MODEL, HELLO);
    }

    private void enqueue(int times, Fault fault) {
        for (int i = 0; i < times; i++) {
            backend.enqueue(fault);
        }
    }

    /** Runs the call, asserting it fails with exactly {@code type} within {@code bound}. */
    private static <E extends SynthLMException> E fails(Class<E> type, Duration bound, Runnable call) {
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(call::run);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(bound);
        assertThat(thrown).isExactlyInstanceOf(type);
        return type.cast(thrown);
    }

    private static <T> T within(Duration bound, Supplier<T> call) {
        long started = System.nanoTime();
        T result = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(bound);
        return result;
    }

    /** Retry n waits 0.5 s * 2^(n-1), less up to 25% jitter. */
    private void assertBackoff(int retries) {
        assertThat(scheduler.delays).hasSize(retries);
        for (int i = 0; i < retries; i++) {
            long full = 500L << i;
            assertThat(scheduler.delays.get(i)).isBetween(Duration.ofMillis(full * 3 / 4), Duration.ofMillis(full));
        }
    }

    // ---- no response

    @ParameterizedTest
    @EnumSource(Face.class)
    void connectionRefused(Face face) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SynthProvider p = new SynthProvider(config().baseUrl("http://127.0.0.1:" + port).build())) {
            ConnectionException e = fails(ConnectionException.class, FAST, () -> face.call(p, hello()));
            assertThat(e.attempts()).isEqualTo(4);
            assertThat(e.getMessage()).contains("after 4 attempts: connection refused").contains("SYNTH_BASE_URL");
            assertBackoff(3);
        }
    }

    @Test
    void dnsFailureOfABadHost() {
        try (SynthProvider p = new SynthProvider(config().baseUrl("http://synth-lm-fault-table.invalid").build())) {
            ConnectionException e = fails(ConnectionException.class, Duration.ofSeconds(20),
                    () -> p.createChatCompletion(hello()));
            assertThat(e.attempts()).isEqualTo(4);
            assertThat(e.getMessage()).contains("unknown host synth-lm-fault-table.invalid")
                    .doesNotContain("connection refused").contains("SYNTH_BASE_URL");
            assertBackoff(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void disconnectBeforeTheResponse(Face face) {
        enqueue(4, Fault.disconnectBeforeHeaders());
        ConnectionException e = fails(ConnectionException.class, FAST, () -> face.call(provider, hello()));
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.getMessage()).contains("The connection to synth").contains("failed after 4 attempts")
                .contains("the URL is right").doesNotContain("SYNTH_BASE_URL");
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void disconnectAfterHeaders(Face face) {
        enqueue(4, Fault.disconnectAfterHeaders());
        ConnectionException e = fails(ConnectionException.class, FAST, () -> face.call(provider, hello()));
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void disconnectMidBody(Face face) {
        enqueue(4, Fault.disconnectMidBody());
        ConnectionException e = fails(ConnectionException.class, FAST, () -> face.call(provider, hello()));
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @Test
    void aDisconnectOnceIsRetriedAndTheCallSucceeds() {
        backend.enqueue(Fault.disconnectMidBody());
        assertThat(within(FAST, () -> provider.createChatCompletion(hello())).content()).contains("Hello!");
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertBackoff(1);
    }

    @Test
    void headersThatNeverCome() {
        enqueue(2, Fault.slowHeaders(Duration.ofSeconds(30)));
        assertTimesOutTwice();
    }

    @Test
    void aBodyThatStalls() {
        enqueue(2, Fault.bodyStall());
        assertTimesOutTwice();
    }

    private void assertTimesOutTwice() {
        long started = System.nanoTime();
        try (SynthProvider p = new SynthProvider(config().timeout(Duration.ofMillis(300)).maxRetries(1).build())) {
            RequestTimeoutException e = fails(RequestTimeoutException.class, FAST, () -> p.createChatCompletion(hello()));
            assertThat(e.kind()).isEqualTo(RequestTimeoutException.Kind.RESPONSE);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(e.attempts()).isEqualTo(2);
            assertThat(e.getMessage()).contains("did not answer within 0.3 s (attempt 2 of 2)").contains("SYNTH_TIMEOUT");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertBackoff(1);
    }

    // ---- error statuses

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 409, 500, 502, 503, 504})
    void retryableStatusWithoutRetryAfterBacksOffThenFails(int status) {
        enqueue(4, Fault.status(status));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.getMessage()).contains("HTTP " + status + " after 4 attempts");
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 409, 500, 502, 503, 504})
    void retryableStatusWithRetryAfterWaitsWhatTheServerAsks(int status) {
        enqueue(4, Fault.status(status).withHeader("Retry-After", "1"));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void rateLimitedWithoutRetryAfter(Face face) {
        enqueue(4, Fault.rateLimited());
        RateLimitException e = fails(RateLimitException.class, FAST, () -> face.call(provider, hello()));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.getMessage()).contains("after 4 attempts").contains("SYNTH_MAX_RETRIES");
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void rateLimitedWithRetryAfter(Face face) {
        enqueue(4, Fault.rateLimited(Duration.ofSeconds(1)));
        RateLimitException e = fails(RateLimitException.class, FAST, () -> face.call(provider, hello()));
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"0", "-10", "121", "inf", "nan", "Infinity", "NaN", "Wed, 25 Nov 2026 11:59:00 GMT",
            "soon", "1e400", "99999999999999999999999"})
    void aRetryAfterThatIsNotAUsableWaitFallsBackToBackoff(String value) {
        backend.enqueue(Fault.status(503).withHeader("Retry-After", value));
        assertThat(within(FAST, () -> provider.createChatCompletion(hello())).content()).contains("Hello!");
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertBackoff(1);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "Retry-After    | Wed, 25 Nov 2026 12:00:30 GMT | 30000",
            "Retry-After    | 60                            | 60000",
            "Retry-After    | 0.5                           | 500",
            "retry-after-ms | 250                           | 250"})
    void aUsableServerWaitIsTakenExactly(String header, String value, long millis) {
        backend.enqueue(Fault.rateLimited().withHeader(header, value));
        assertThat(within(FAST, () -> provider.createChatCompletion(hello())).content()).contains("Hello!");
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(millis));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        backend.enqueue(Fault.rateLimited().withHeader("Retry-After", "5").withHeader("retry-after-ms", "250"));
        provider.createChatCompletion(hello());
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void shouldRetryTrueOnA400IsRetriedUntilTheBudgetIsSpent() {
        enqueue(4, Fault.status(400).withHeader("x-should-retry", "true"));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    @Test
    void shouldRetryFalseOnA503IsNotRetried() {
        backend.enqueue(Fault.status(503).withHeader("x-should-retry", "false"));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void anHtmlErrorPageFromAProxy() {
        enqueue(4, Fault.body(502, "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.getMessage()).contains("an HTML page instead of JSON").contains("proxy").contains("warm it up")
                .doesNotContain("<html");
        assertThat(backend.requestCount(CHAT)).isEqualTo(4);
        assertBackoff(3);
    }

    // ---- bad 200s

    @Test
    void anErrorJsonBodyOnHttp200() {
        backend.enqueue(Fault.body(200, "application/json",
                "{\"error\":{\"message\":\"The model is overloaded\",\"type\":\"server_error\"}}"));
        ApiException e = fails(ApiException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.providerMessage()).isEqualTo("The model is overloaded");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void anEmpty200Body() {
        backend.enqueue(Fault.body(200, "application/json", ""));
        InvalidResponseException e = fails(InvalidResponseException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.getMessage()).contains("HTTP 200 with an empty body");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void a200WithTruncatedJson() {
        backend.enqueue(Fault.malformedJson());
        InvalidResponseException e = fails(InvalidResponseException.class, FAST, () -> provider.createChatCompletion(hello()));
        assertThat(e.getMessage()).contains("not a valid chat completion");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void a10MiBResponseIsReadUnderTheDefaultLimitAndFailsClearlyOverASmallerOne() {
        String padding = "x".repeat(10 * 1024 * 1024);
        String big = "{\"id\":\"big\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + padding + "\"},\"finish_reason\":\"stop\"}]}";
        backend.enqueue(Fault.body(200, "application/json", big));
        assertThat(within(Duration.ofSeconds(15), () -> provider.createChatCompletion(hello())).content())
                .hasSize(padding.length());

        backend.enqueue(Fault.body(200, "application/json", big));
        try (SynthProvider small = new SynthProvider(config().maxResponseSize(1024 * 1024).build())) {
            InvalidResponseException e = fails(InvalidResponseException.class, Duration.ofSeconds(15),
                    () -> small.createChatCompletion(hello()));
            assertThat(e.getMessage()).contains("larger than the limit of 1048576 bytes").contains("maxResponseSize");
            assertThat(e.attempts()).isEqualTo(1);
        }
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void a401BadKeyIsNotRetriedAndNamesTheVariable() {
        try (SynthProvider bad = new SynthProvider(config().apiKey("sk-wrong-key-9f3e").build())) {
            AuthenticationException e = fails(AuthenticationException.class, FAST, () -> bad.createChatCompletion(hello()));
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getMessage()).contains("rejected the API key (HTTP 401)").contains("SYNTH_API_KEY")
                    .doesNotContain("sk-wrong-key-9f3e");
        }
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        assertThat(scheduler.delays).isEmpty();
    }

    // ---- warmup

    private static final String START = "/warmup/Qwen/Qwen2.5-7B-Instruct";
    private static final String STATUS = "/warmup/status/Qwen/Qwen2.5-7B-Instruct";

    @Test
    void aWarmupEndpointThatAnswers404() {
        backend.enqueueFor("/warmup/", Fault.status(404));
        WarmupResult result = within(FAST, () -> provider.warmup(MODEL, WarmupOptions.defaults()));
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.REJECTED);
        assertThat(result.error()).contains("HTTP 404");
        WarmupException e = fails(WarmupException.class, FAST, result::orThrow);
        assertThat(e.getMessage()).contains("HTTP 404");
        assertThat(backend.requestCount(START)).isEqualTo(1);
        assertThat(backend.requestCount(STATUS)).isZero();
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void aWarmupThatNeverFinishesIsBoundedByMaxAttempts() {
        try (LocalBackend never = LocalBackend.builder().apiKey(KEY).warmAfterPolls(Integer.MAX_VALUE).build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(never.baseUrl()).build())) {
            WarmupResult result = within(FAST, () -> p.warmup(MODEL, WarmupOptions.builder().maxAttempts(5).build()));
            assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.EXHAUSTED);
            assertThat(result.attempts()).isEqualTo(5);
            assertThat(result.error()).contains("not warm after 5 status checks").contains("maxAttempts");
            assertThat(never.requestCount(START)).isEqualTo(1);
            assertThat(never.requestCount(STATUS)).isEqualTo(5);
            assertThat(scheduler.delays).hasSize(4).containsOnly(Duration.ofSeconds(2));
            assertThat(fails(WarmupException.class, FAST, result::orThrow).result()).isEqualTo(result);
        }
    }

    @Test
    void aWarmupThatFlapsBetweenWarmingAndErrorsPollsOnUntilWarm() {
        try (LocalBackend flapping = LocalBackend.builder().apiKey(KEY).warmAfterPolls(4).build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(flapping.baseUrl()).build())) {
            WarmupResult result = within(FAST, () -> p.warmup(MODEL, flapOn(flapping, 10)));
            // warming, 503, warming, 500, warming, 503, warmed: each error is polled over
            assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.WARMED);
            assertThat(result.attempts()).isEqualTo(7);
            assertThat(flapping.requestCount(START)).isEqualTo(1);
            assertThat(flapping.requestCount(STATUS)).isEqualTo(7);
            assertThat(scheduler.delays).hasSize(6);
        }
    }

    @Test
    void aWarmupThatFlapsAndNeverWarmsIsBoundedByMaxAttempts() {
        try (LocalBackend flapping = LocalBackend.builder().apiKey(KEY).warmAfterPolls(Integer.MAX_VALUE).build().start();
                SynthProvider p = new SynthProvider(config().baseUrl(flapping.baseUrl()).build())) {
            WarmupResult result = within(FAST, () -> p.warmup(MODEL, flapOn(flapping, 6)));
            assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.EXHAUSTED);
            assertThat(result.attempts()).isEqualTo(6);
            assertThat(flapping.requestCount(STATUS)).isEqualTo(6);
            assertThat(scheduler.delays).hasSize(5);
        }
    }

    /** After each {@code warming} status the next status check answers an error: 503, then 500, in turn. */
    private static WarmupOptions flapOn(LocalBackend backend, int maxAttempts) {
        int[] errors = {0};
        return WarmupOptions.builder().maxAttempts(maxAttempts).listener(event -> {
            if (event.attempt() > 0 && event.status().equals("warming")) {
                backend.enqueueFor("/warmup/status/", Fault.status(errors[0]++ % 2 == 0 ? 503 : 500));
            }
        }).build();
    }
}
