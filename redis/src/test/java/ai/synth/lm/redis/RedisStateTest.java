package ai.synth.lm.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.RouterState;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** RedisState against a real redis-server: several instances stand for several JVMs. */
class RedisStateTest {

    private static RedisServer redis;
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        admin = RedisClient.create(redis.url());
        adminConnection = admin.connect();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        adminConnection.close();
        admin.shutdown();
        redis.close();
    }

    private static RedisState state(TestInfo test) {
        return RedisState.builder().url(redis.url()).prefix(test.getDisplayName().replaceAll("\\W", ""))
                .timeout(Duration.ofSeconds(2)).burst(Duration.ofMinutes(1)).build();
    }

    @Test
    void aCooldownSetByOneIsSeenByAnotherAndOnlyEverMovesLater(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            a.coolDown("d", now.plusSeconds(30));
            b.coolDown("d", now.plusSeconds(5)); // earlier: must not shorten it
            assertThat(b.cooldownEnd("d", now)).contains(Instant.ofEpochMilli(now.plusSeconds(30).toEpochMilli()));
            b.coolDown("d", now.plusSeconds(60));
            assertThat(a.cooldownEnd("d", now)).contains(Instant.ofEpochMilli(now.plusSeconds(60).toEpochMilli()));
            assertThat(a.cooldownEnd("d", now.plusSeconds(61))).isEmpty();
            assertThat(a.cooldownEnd("other", now)).isEmpty();
        }
    }

    @Test
    void failuresAreCountedAcrossInstancesWithinTheWindow(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            assertThat(a.recordFailure("d", now, Duration.ofMinutes(1))).isEqualTo(1);
            assertThat(b.recordFailure("d", now.plusMillis(1), Duration.ofMinutes(1))).isEqualTo(2);
            assertThat(a.recordFailure("d", now.plusSeconds(61), Duration.ofMinutes(1))).isEqualTo(2 - 1);
            b.clearFailures("d");
            assertThat(a.recordFailure("d", now.plusSeconds(62), Duration.ofMinutes(1))).isEqualTo(1);
        }
    }

    @Test
    void callsInFlightAreCountedAcrossInstancesUpToTheMaximum(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            assertThat(a.tryAcquire("d", 2)).isTrue();
            assertThat(b.tryAcquire("d", 2)).isTrue();
            assertThat(b.tryAcquire("d", 2)).isFalse();
            assertThat(a.inFlight("d")).isEqualTo(2);
            a.release("d");
            a.release("d"); // holds no more: nothing happens
            assertThat(b.inFlight("d")).isEqualTo(1);
            assertThat(a.tryAcquire("d", 2)).isTrue();
            assertThat(b.inFlight("d")).isEqualTo(2);
        }
    }

    @Test
    void aConcurrentBurstReservesNoMoreTokensThanTheBudgetAndSettlingGivesTheRestBack(TestInfo test)
            throws Exception {
        // tpm 60,000 with a minute of burst: 60,000 tokens now, refilling 1,000 per second. Ten thousand tokens
        // per call: 6 fit, and the refill adds no seventh unless the test took ten seconds.
        List<RedisState> jvms = List.of(state(test), state(test), state(test));
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Callable<Optional<Instant>>> burst = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                RouterState s = jvms.get(i % 3);
                String ticket = "t" + (i + 1);
                burst.add(() -> s.tryReserve("d", ticket, Instant.now(), 0, 60_000, 10_000));
            }
            List<Future<Optional<Instant>>> results = pool.invokeAll(burst);
            List<String> reserved = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Optional<Instant> wait = results.get(i).get();
                if (wait.isEmpty()) {
                    reserved.add("t" + (i + 1));
                } else {
                    assertThat(wait.get()).isAfter(Instant.now()); // the script says how long to wait
                }
            }
            assertThat(reserved).hasSize(6);
            assertThat(jvms.get(0).tokensLastMinute("d", Instant.now())).isBetween(55_000L, 60_000L);
            // The six calls used 5,000 tokens each: 30,000 come back, room for exactly three more.
            for (int i = 0; i < reserved.size(); i++) {
                jvms.get(i % 3).settle("d", reserved.get(i), 5_000);
            }
            int more = 0;
            for (int i = 0; i < 6; i++) {
                if (jvms.get(i % 3).tryReserve("d", "u" + i, Instant.now(), 0, 60_000, 10_000).isEmpty()) {
                    more++;
                }
            }
            assertThat(more).isEqualTo(3);
        } finally {
            pool.shutdownNow();
            jvms.forEach(RedisState::close);
        }
    }

    @Test
    void aRequestBudgetAdmitsTheBurstThenSaysHowLongToWait(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            for (int i = 0; i < 60; i++) {
                assertThat((i % 2 == 0 ? a : b).tryReserve("d", "t" + i, now, 60, 0, 0)).isEmpty();
            }
            Optional<Instant> wait = a.tryReserve("d", "late", now, 60, 0, 0);
            assertThat(wait).isPresent();
            assertThat(Duration.between(now, wait.get())).isBetween(Duration.ofMillis(1), Duration.ofMillis(1000));
        }
    }

    @Test
    void warmMarksAndTheWarmupLeaseAreShared(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            assertThat(a.tryWarmupLease("base\nm", "a", Duration.ofSeconds(30))).isTrue();
            assertThat(b.tryWarmupLease("base\nm", "b", Duration.ofSeconds(30))).isFalse();
            assertThat(a.tryWarmupLease("base\nm", "a", Duration.ofSeconds(30))).isTrue(); // extends it
            assertThat(b.warmUntil("base\nm", now)).isEmpty();
            a.markWarm("base\nm", now.plus(Duration.ofMinutes(10)));
            a.endWarmupLease("base\nm", "a");
            assertThat(b.warmUntil("base\nm", now)).isPresent();
            assertThat(b.tryWarmupLease("base\nm", "b", Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void everyKeyHasAnExpiryAndAHashTag(TestInfo test) {
        String prefix = test.getDisplayName().replaceAll("\\W", "");
        try (RedisState a = state(test)) {
            Instant now = Instant.now();
            a.tryAcquire("d", 0);
            a.coolDown("d", now.plusSeconds(30));
            a.recordFailure("d", now, Duration.ofMinutes(1));
            a.tryReserve("d", "t", now, 10, 1000, 10);
            a.markWarm("b\nm", now.plusSeconds(60));
            a.tryWarmupLease("b\nm", "h", Duration.ofSeconds(30));
            var sync = adminConnection.sync();
            List<String> keys = sync.keys(prefix + ":*");
            assertThat(keys).hasSize(7).allMatch(k -> k.startsWith(prefix + ":{"));
            for (String k : keys) {
                assertThat(sync.pttl(k)).as(k).isPositive();
            }
        }
    }

    @Test
    void failClosedRefusesADecisionWhenRedisDoesNotAnswer() {
        try (RedisState s = RedisState.builder().url("redis://127.0.0.1:" + deadPort())
                .timeout(Duration.ofMillis(200)).failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertThatThrownBy(() -> s.tryAcquire("d", 0)).isInstanceOf(SharedStateUnavailableException.class)
                    .hasMessageContaining("FAIL_CLOSED").hasMessageContaining("127.0.0.1");
            s.release("d"); // bookkeeping never throws
        }
    }

    @Test
    void failOpenFallsBackToLocalState() {
        try (RedisState s = RedisState.builder().url("redis://:secret-pw@127.0.0.1:" + deadPort())
                .timeout(Duration.ofMillis(200)).build()) {
            assertThat(s.tryAcquire("d", 1)).isTrue();
            assertThat(s.tryAcquire("d", 1)).isFalse();
            s.release("d");
            assertThat(s.inFlight("d")).isZero();
            s.coolDown("d", Instant.now().plusSeconds(5));
            assertThat(s.cooldownEnd("d", Instant.now())).isPresent();
            assertThat(s.isRedisDown()).isTrue();
            assertThat(s.toString()).doesNotContain("secret-pw");
        }
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> RedisState.builder().url("http://[bad")).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisState.builder().prefix("a{b}")).hasMessageContaining("braces");
        assertThatThrownBy(() -> RedisState.builder().timeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> RedisState.builder().build()).hasMessageContaining("url");
    }

    @Test
    void theRouterConfigFileOrRedisUrlOpensTheSharedState(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path byHost = dir.resolve("host.yaml");
        java.nio.file.Files.writeString(byHost, "model_list:\n"
                + "  - model_name: g\n    litellm_params: {model: synth/m, api_base: http://127.0.0.1:9, api_key: k}\n"
                + "    model_info: {id: from-host}\n"
                + "router_settings:\n  redis_host: 127.0.0.1\n  redis_port: " + redis.port() + "\n");
        java.nio.file.Path byEnv = dir.resolve("env.yaml");
        java.nio.file.Files.writeString(byEnv, "model_list:\n"
                + "  - model_name: g\n    litellm_params: {model: synth/m, api_base: http://127.0.0.1:9, api_key: k}\n"
                + "    model_info: {id: from-env}\n");
        try (RedisState shared = RedisState.builder().url(redis.url()).build()) {
            shared.coolDown("from-host", Instant.now().plusSeconds(3600));
            shared.coolDown("from-env", Instant.now().plusSeconds(3600));
            try (ai.synth.lm.Router a = ai.synth.lm.Router.builder().environment(java.util.Map.of()).config(byHost)
                    .build();
                    ai.synth.lm.Router b = ai.synth.lm.Router.builder()
                            .environment(java.util.Map.of("REDIS_URL", redis.url())).config(byEnv).build()) {
                var request = ai.synth.lm.ChatCompletionRequest.of("g", List.of(ai.synth.lm.ChatMessage.user("hi")));
                // Cooled down by another JVM: both routers skip the deployment without calling it.
                assertThatThrownBy(() -> a.createChatCompletion(request))
                        .isInstanceOf(ai.synth.lm.RateLimitException.class).hasMessageContaining("cooling down");
                assertThatThrownBy(() -> b.createChatCompletion(request))
                        .isInstanceOf(ai.synth.lm.RateLimitException.class).hasMessageContaining("cooling down");
            }
        }
    }

    static int deadPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
