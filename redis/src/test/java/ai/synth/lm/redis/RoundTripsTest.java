package ai.synth.lm.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.RouterBuilder;
import ai.synth.lm.RouterState.Candidate;
import ai.synth.lm.RouterState.Decision;
import ai.synth.lm.RouterState.Failure;
import ai.synth.lm.RouterState.Finished;
import ai.synth.lm.RouterState.Order;
import ai.synth.lm.RoutingStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A routed attempt costs one Redis round trip before the call and one after it, counted as the commands the state's
 * Redis client sent: read by the backend the moment each request arrives, and once the call has returned.
 */
class RoundTripsTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** Leases far longer than the test, so no extension adds a command. */
    private static RedisState state(TestInfo test) {
        RedisState s = RedisState.builder().url(redis.url()).prefix(test.getDisplayName().replaceAll("\\W", ""))
                .timeout(Duration.ofSeconds(5)).leaseTime(Duration.ofHours(1)).build();
        assertThat(s.connect(Duration.ofSeconds(30))).isTrue();
        return s;
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.of("g", List.of(ChatMessage.user("hello"))).toBuilder().maxTokens(5).build();
    }

    private static Router router(RedisState state, StampingBackend backend, RoutingStrategy strategy) {
        RouterBuilder b = Router.builder().sharedState(state).environment(Map.of()).routingStrategy(strategy)
                .allowedFails(0).numRetries(1);
        for (String id : List.of("a", "b", "c")) {
            b.deployment(Deployment.builder("g", "synth", "m-" + id).id(id).baseUrl(backend.baseUrl()).apiKey("k")
                    .rpm(100_000).tpm(10_000_000).maxParallelRequests(50).build());
        }
        return b.build();
    }

    @Test
    void eachCallOverThreeDeploymentsCostsOneRoundTripBeforeAndOneAfter(TestInfo test) throws Exception {
        for (RoutingStrategy strategy : RoutingStrategy.values()) {
            AtomicReference<RedisState> holder = new AtomicReference<>();
            try (RedisState state = state(test);
                    StampingBackend backend = StampingBackend.start(() -> holder.get().commandsSent());
                    Router router = router(state, backend, strategy)) {
                holder.set(state);
                router.createChatCompletion(request()); // the first use loads the scripts into Redis
                for (int i = 0; i < 10; i++) {
                    long start = state.commandsSent();
                    router.createChatCompletion(request());
                    long atBackend = backend.arrivals().get(i + 1).reading();
                    assertThat(atBackend - start).as(strategy + ": round trips before call " + i).isEqualTo(1);
                    assertThat(state.commandsSent() - atBackend).as(strategy + ": after call " + i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailedAttemptCountsItsFailureAndCoolsDownWithinItsOneRoundTripAfter(TestInfo test) throws Exception {
        AtomicReference<RedisState> holder = new AtomicReference<>();
        try (RedisState state = state(test);
                StampingBackend backend = StampingBackend.start(() -> holder.get().commandsSent());
                Router router = router(state, backend, RoutingStrategy.SIMPLE_SHUFFLE)) {
            holder.set(state);
            router.createChatCompletion(request());
            backend.failNext(503);
            long start = state.commandsSent();
            router.createChatCompletion(request()); // fails on one deployment, cools it down, succeeds on another
            List<StampingBackend.Arrival> calls = backend.arrivals();
            assertThat(calls).hasSize(3);
            assertThat(calls.get(1).reading() - start).isEqualTo(1);
            assertThat(calls.get(2).reading() - calls.get(1).reading()).as("after the failure, before the retry")
                    .isEqualTo(2);
            assertThat(state.commandsSent() - calls.get(2).reading()).isEqualTo(1);
            String failed = calls.get(1).model().substring(2);
            assertThat(state.cooldownEnd(failed, Instant.now())).isPresent();
        }
    }

    @Test
    void theDecisionReadsEveryCooldownOrdersAndHoldsOneAsTheMemoryStateDoes(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            a.coolDown("x", now.plusSeconds(30));
            b.tryAcquire("y", 0);
            List<Candidate> all = List.of(new Candidate("x", true, 0, 0, 0, false),
                    new Candidate("y", true, 0, 0, 0, false), new Candidate("z", true, 0, 0, 0, false),
                    new Candidate("w", false, 0, 0, 0, false));
            Decision d = b.acquire(all, Order.FEWEST_IN_FLIGHT, "t1", 0, now);
            assertThat(d.chosen()).isEqualTo("z");
            assertThat(d.cooling()).containsOnlyKeys("x");
            assertThat(d.cooling().get("x").toEpochMilli()).isEqualTo(now.plusSeconds(30).toEpochMilli());
            assertThat(a.inFlight("z")).isEqualTo(1);
            assertThat(a.acquire(all, Order.AS_GIVEN, "t2", 0, now).chosen()).isEqualTo("y");
            assertThat(b.finish("z", "t1", -1, null)).isEqualTo(Finished.NONE);
            assertThat(a.inFlight("z")).isZero();
        }
    }

    @Test
    void aFullOrSpentCandidateIsPassedOverAndTheFinishSettlesAndCoolsDown(TestInfo test) {
        try (RedisState a = state(test); RedisState b = state(test)) {
            Instant now = Instant.now();
            a.tryAcquire("full", 1);
            List<Candidate> two = List.of(new Candidate("full", true, 1, 0, 0, false),
                    new Candidate("budget", true, 0, 1, 0, true));
            assertThat(b.acquire(two, Order.AS_GIVEN, "t1", 10, now).chosen()).isEqualTo("budget");
            Decision none = b.acquire(two, Order.AS_GIVEN, "t2", 10, now);
            assertThat(none.chosen()).isNull();
            assertThat(none.full()).isTrue();
            assertThat(none.budgetFreeAt()).hasValueSatisfying(at -> assertThat(at).isAfter(now));

            Failure failure = new Failure(now, Duration.ofMinutes(1), 1, Duration.ofSeconds(30));
            assertThat(b.finish("budget", "t1", 0, failure)).isEqualTo(new Finished(1, false));
            b.acquire(List.of(new Candidate("budget", true, 0, 0, 0, false)), Order.AS_GIVEN, "t3", 0, now);
            assertThat(a.finish("budget", "t3", -1, failure)).isEqualTo(new Finished(2, true));
            assertThat(a.cooldownEnd("budget", now)).hasValueSatisfying(end -> assertThat(end.toEpochMilli())
                    .isEqualTo(now.plusSeconds(30).toEpochMilli()));
            assertThat(b.inFlight("budget")).isZero();
            assertThat(b.recordFailure("budget", now, Duration.ofMinutes(1))).isEqualTo(1); // forgotten when cooled
        }
    }

    @Test
    void failClosedRefusesTheDecisionAndFailOpenDecidesLocally() {
        int dead = RedisStateTest.deadPort();
        List<Candidate> one = List.of(new Candidate("d", true, 1, 0, 0, false));
        try (RedisState closed = RedisState.builder().url("redis://127.0.0.1:" + dead).timeout(Duration.ofMillis(200))
                .failurePolicy(FailurePolicy.FAIL_CLOSED).build();
                RedisState open = RedisState.builder().url("redis://127.0.0.1:" + dead)
                        .timeout(Duration.ofMillis(200)).build()) {
            assertThatThrownBy(() -> closed.acquire(one, Order.AS_GIVEN, "t", 0, Instant.now()))
                    .isInstanceOf(SharedStateUnavailableException.class).hasMessageContaining("FAIL_CLOSED");
            assertThat(open.acquire(one, Order.AS_GIVEN, "t1", 0, Instant.now()).chosen()).isEqualTo("d");
            assertThat(open.acquire(one, Order.AS_GIVEN, "t2", 0, Instant.now()).full()).isTrue();
            open.finish("d", "t1", -1, null);
            assertThat(open.inFlight("d")).isZero();
        }
    }
}
