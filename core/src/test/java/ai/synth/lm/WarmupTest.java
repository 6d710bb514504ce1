package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WarmupTest {

    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final String START = "/warmup/Qwen/Qwen2.5-7B-Instruct";
    private static final String STATUS = "/warmup/status/Qwen/Qwen2.5-7B-Instruct";

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final MutableClock clock = new MutableClock();
    private SynthProvider provider;

    @BeforeEach
    void start() {
        Warmer.clearCache();
        backend = LocalBackend.builder().apiKey("k").warmAfterPolls(2).build().start();
        provider = new SynthProvider(config());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
        Warmer.clearCache();
    }

    private SynthConfig config() {
        return SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k").environment(Map.of())
                .scheduler(scheduler).clock(clock).build();
    }

    @Test
    void startsThenPollsUntilWarmedThenAnswersFromTheCache() {
        WarmupResult result = provider.warmup(MODEL, WarmupOptions.defaults());

        assertThat(result.warm()).isTrue();
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.WARMED);
        assertThat(backend.requestCount(START)).isEqualTo(1);
        assertThat(backend.requests().get(0).method()).isEqualTo("POST");
        assertThat(backend.requests().get(0).header("authorization")).isEqualTo("Bearer k");
        assertThat(backend.requestCount(STATUS)).isEqualTo(result.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(scheduler.delays).containsOnly(Duration.ofSeconds(2));

        backend.clearRequests();
        assertThat(provider.warmup(MODEL)).isTrue();
        assertThat(provider.warmup(MODEL, WarmupOptions.defaults()).outcome()).isEqualTo(WarmupResult.Outcome.CACHED);
        assertThat(backend.requests()).isEmpty();
        assertThat(provider.isWarm(MODEL)).isTrue();
    }

    @Test
    void theCacheLastsTenMinutes() {
        assertThat(provider.warmup(MODEL)).isTrue();
        clock.advance(Duration.ofMinutes(9));
        assertThat(provider.warmup(MODEL, WarmupOptions.defaults()).outcome()).isEqualTo(WarmupResult.Outcome.CACHED);
        clock.advance(Duration.ofMinutes(2));
        backend.clearRequests();
        WarmupResult again = provider.warmup(MODEL, WarmupOptions.defaults());
        assertThat(again.outcome()).isEqualTo(WarmupResult.Outcome.ALREADY_WARM);
        assertThat(backend.requestCount(START)).isEqualTo(1);
    }

    @Test
    void theCacheIsSharedAcrossProvidersOfOneBackend() {
        assertThat(provider.warmup(MODEL)).isTrue();
        backend.clearRequests();
        try (SynthProvider other = new SynthProvider(config())) {
            assertThat(other.warmup(MODEL)).isTrue();
        }
        assertThat(SynthLM.warmupSynthModel(MODEL, config(), 30, false)).isTrue();
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void forceBypassesTheCache() {
        assertThat(provider.warmup(MODEL)).isTrue();
        backend.clearRequests();
        WarmupResult forced = provider.warmup(MODEL, WarmupOptions.builder().force(true).build());
        assertThat(forced.warm()).isTrue();
        assertThat(backend.requestCount(START)).isEqualTo(1);
        assertThat(SynthLM.warmupSynthModel(MODEL, config(), 30, true)).isTrue();
        assertThat(backend.requestCount(START)).isEqualTo(2);
    }

    @Test
    void aFailedWarmupIsFalseWithTheBackendsReason() {
        backend.failWarmup(MODEL, "out of GPUs");
        WarmupResult result = provider.warmup(MODEL, WarmupOptions.defaults());
        assertThat(result.warm()).isFalse();
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.FAILED);
        assertThat(result.error()).contains("out of GPUs");
        assertThat(provider.isWarm(MODEL)).isFalse();
        assertThatThrownBy(result::orThrow).isInstanceOf(WarmupException.class).hasMessageContaining("out of GPUs");
    }

    @Test
    void givesUpAfterMaxAttemptsStatusChecks() {
        try (LocalBackend slow = LocalBackend.builder().apiKey("k").warmAfterPolls(100).build().start();
                SynthProvider p = new SynthProvider(SynthConfig.builder().baseUrl(slow.baseUrl()).apiKey("k")
                        .environment(Map.of()).scheduler(scheduler).clock(clock).build())) {
            WarmupResult result = p.warmup(MODEL, WarmupOptions.builder().maxAttempts(3)
                    .pollInterval(Duration.ofMillis(250)).build());
            assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.EXHAUSTED);
            assertThat(result.attempts()).isEqualTo(3);
            assertThat(result.error()).contains("not warm after 3 status checks");
            assertThat(slow.requestCount(STATUS)).isEqualTo(3);
            assertThat(scheduler.delays).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
            assertThat(SynthLM.warmupSynthModel(MODEL, SynthConfig.builder().baseUrl(slow.baseUrl()).apiKey("k")
                    .environment(Map.of()).scheduler(scheduler).build(), 1, false)).isFalse();
        }
    }

    @Test
    void aStatusCheckThatErrorsKeepsPolling() {
        backend.enqueueFor("/warmup/status/", Fault.status(500));
        backend.enqueueFor("/warmup/status/", Fault.body(503, "text/html", "<html>cold</html>"));
        List<WarmupEvent> events = new CopyOnWriteArrayList<>();
        WarmupResult result = provider.warmup(MODEL, WarmupOptions.builder().listener(events::add).build());
        assertThat(result.warm()).isTrue();
        assertThat(events).extracting(WarmupEvent::status).contains("starting", "error", "warmed");
        assertThat(events).filteredOn(e -> e.status().equals("error")).hasSize(2)
                .allSatisfy(e -> assertThat(e.error()).contains("polling on"));
    }

    @Test
    void aBackendWithoutWarmupEndpointsRejectsTheWarmup() {
        backend.enqueueFor("/warmup/", Fault.status(404));
        WarmupResult result = provider.warmup(MODEL, WarmupOptions.defaults());
        assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.REJECTED);
        assertThat(result.error()).contains("HTTP 404");
        assertThat(provider.warmup(MODEL)).isTrue(); // next time it works: failures are not cached
    }

    @Test
    void sendsTheGpuPreferenceHeader() {
        provider.warmup(MODEL, WarmupOptions.builder().gpuPreference("A100").build());
        assertThat(backend.requests().get(0).header("x-gpu-preference")).isEqualTo("A100");
    }

    @Test
    void concurrentWarmupsShareOneStartRequestAndOnePollLoop() {
        ManualScheduler manual = new ManualScheduler();
        try (SynthProvider p = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k")
                .environment(Map.of()).scheduler(manual).clock(clock).build())) {
            List<CompletableFuture<WarmupResult>> calls = new ArrayList<>();
            calls.add(p.warmupAsync(MODEL, WarmupOptions.defaults()));
            manual.awaitPending(1); // the first flight is now between two status checks
            for (int i = 1; i < 20; i++) {
                calls.add(p.warmupAsync(MODEL, WarmupOptions.defaults()));
            }
            manual.releaseAllUntilDone(calls.get(0));
            assertThat(calls).allSatisfy(c -> assertThat(c.join().warm()).isTrue());
            assertThat(backend.requestCount(START)).isEqualTo(1);
            assertThat(backend.requestCount(STATUS)).isEqualTo(calls.get(0).join().attempts());
        }
    }

    @Test
    void rejectsModelNamesThatCouldReachAnotherPath() {
        assertThatThrownBy(() -> provider.warmup("../admin"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid model name");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void openAiNeedsNoWarmup() {
        try (OpenAIProvider openai = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1")
                .apiKey("k").environment(Map.of()).build())) {
            WarmupResult result = openai.warmup("gpt-4o-mini", WarmupOptions.defaults());
            assertThat(result.outcome()).isEqualTo(WarmupResult.Outcome.NOT_REQUIRED);
            assertThat(backend.requests()).isEmpty();
        }
    }
}
