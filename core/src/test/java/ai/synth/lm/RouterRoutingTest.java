package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterRoutingTest {

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void simpleShuffleSplitsThousandsOfCallsByWeight() {
        LocalBackend light = fx.backend();
        LocalBackend heavy = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "light", light).weight(1).build())
                .deployment(deployment("chat", "heavy", heavy).weight(3).build()).build());

        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            calls.add(router.createChatCompletionAsync(ask("chat")));
        }
        calls.forEach(CompletableFuture::join);

        double heavyShare = heavy.requestCount("/v1/chat") / 3000.0;
        assertThat(heavyShare).isCloseTo(0.75, within(0.03));
        assertThat(light.requestCount("/v1/chat") + heavy.requestCount("/v1/chat")).isEqualTo(3000);
    }

    @Test
    void simpleShuffleWeighsByRpmWhenNoWeightIsSet() {
        LocalBackend small = fx.backend();
        LocalBackend large = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "small", small).rpm(100_000).build())
                .deployment(deployment("chat", "large", large).rpm(900_000).build()).build());

        for (int i = 0; i < 600; i++) {
            router.createChatCompletion(ask("chat"));
        }

        assertThat(large.requestCount("/v1/chat") / 600.0).isCloseTo(0.9, within(0.04));
    }

    @Test
    void leastBusyAvoidsTheDeploymentWithACallInFlight() {
        LocalBackend slow = fx.backend();
        LocalBackend fast = fx.backend();
        slow.enqueue(Fault.slowHeaders(Duration.ofSeconds(5))); // long enough for 20 fast calls on a busy machine
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().routingStrategy(RoutingStrategy.LEAST_BUSY).state(state)
                .deployment(deployment("chat", "slow", slow).weight(1).build())
                .deployment(deployment("chat", "fast", fast).build()).build());
        // pin the first call on "slow": with both idle the tie is random, so hold "fast" busy for a moment
        assertThat(state.tryAcquire("fast", 0)).isTrue();
        CompletableFuture<ChatCompletion> held = router.createChatCompletionAsync(ask("chat"));
        state.release("fast");

        for (int i = 0; i < 20; i++) {
            router.createChatCompletion(ask("chat"));
        }
        held.join();

        assertThat(slow.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(fast.requestCount("/v1/chat")).isEqualTo(20);
        assertThat(state.inFlight("slow")).isZero();
        assertThat(state.inFlight("fast")).isZero();
    }

    @Test
    void inFlightCountsReturnToZeroAfterFailuresAndNeverGoBelow() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.status(500));
        a.enqueue(Fault.status(400));
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().routingStrategy(RoutingStrategy.LEAST_BUSY).state(state)
                .deployment(deployment("chat", "a", a).build()).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat"))).isInstanceOf(ApiException.class)
                .hasMessageContaining("HTTP 500").hasMessageContaining("HTTP 400");
        router.createChatCompletion(ask("chat"));
        state.release("a");

        assertThat(state.inFlight("a")).isZero();
    }

    @Test
    void latencyBasedRoutingPrefersTheFasterDeployment() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        RouterState state = RouterState.inMemory();
        state.recordLatency("a", Duration.ofMillis(900));
        state.recordLatency("b", Duration.ofMillis(40));
        Router router = fx.track(fx.router().routingStrategy(RoutingStrategy.LATENCY_BASED).state(state)
                .deployment(deployment("chat", "a", a).build()).deployment(deployment("chat", "b", b).build())
                .build());

        for (int i = 0; i < 10; i++) {
            router.createChatCompletion(ask("chat"));
        }

        assertThat(a.requestCount("/v1/chat")).isZero();
        assertThat(b.requestCount("/v1/chat")).isEqualTo(10);
    }

    @Test
    void usageBasedRoutingSpreadsTokensEvenly() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().routingStrategy(RoutingStrategy.USAGE_BASED).state(state)
                .deployment(deployment("chat", "a", a).build()).deployment(deployment("chat", "b", b).build())
                .build());

        for (int i = 0; i < 40; i++) {
            router.createChatCompletion(ask("chat"));
        }

        assertThat(Math.abs(a.requestCount("/v1/chat") - b.requestCount("/v1/chat"))).isLessThanOrEqualTo(2);
        assertThat(state.tokensLastMinute("a", fx.time.clock.instant())).isPositive();
    }

    @Test
    void twoRoutersShareStateOnlyWhenGivenTheSameStore() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.status(503));
        RouterState shared = RouterState.inMemory();
        Router first = fx.track(fx.router().allowedFails(0).numRetries(0).state(shared)
                .deployment(deployment("chat", "a", a).build()).build());
        Router second = fx.track(fx.router().state(shared).deployment(deployment("chat", "a", a).build())
                .deployment(deployment("chat", "b", b).build()).build());
        Router separate = fx.track(fx.router().deployment(deployment("chat", "a", a).weight(1e6).build())
                .deployment(deployment("chat", "b", b).weight(1).build()).build());

        assertThatThrownBy(() -> first.createChatCompletion(ask("chat"))).isInstanceOf(ApiException.class);
        for (int i = 0; i < 5; i++) {
            second.createChatCompletion(ask("chat"));
        }
        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);

        separate.createChatCompletion(ask("chat"));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void rejectsAnUnknownModelGroupNamingTheKnownOnes() {
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", fx.backend()).build()).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("gpt-5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No model group named 'gpt-5' in this router; it has: chat");
    }

    @Test
    void keepsApiKeysOutOfToString() {
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", fx.backend()).build()).build());

        assertThat(router.deployments().get(0).toString()).doesNotContain(RouterFixture.KEY).contains("****");
        assertThat(router.toString()).doesNotContain(RouterFixture.KEY);
    }

    @Test
    void listsItsModelGroupsAsModelsWithoutACall() {
        LocalBackend a = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build())
                .deployment(deployment("backup", "b", a).build()).build());

        assertThat(router.listModels()).extracting(Model::id).containsExactly("backup", "chat");
        assertThat(a.requests()).isEmpty();
    }
}
