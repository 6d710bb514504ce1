package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterLimitsTest {

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void holdsTheRpmLimitOverASlidingMinuteByWaitingInsteadOfFailing() {
        LocalBackend a = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).rpm(3).build()).build());

        for (int i = 0; i < 3; i++) {
            router.createChatCompletion(ask("chat"));
            fx.time.advance(Duration.ofSeconds(10));
        }
        assertThat(fx.time.waits).isEmpty();
        router.createChatCompletion(ask("chat"));

        // the first call left the window 60 s after it was made, 30 s after the fourth call came
        assertThat(fx.time.waits).hasSize(1);
        assertThat(fx.time.waits.get(0)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(30).plusMillis(1));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(4);
    }

    @Test
    void sendsNothingPastTheRpmLimitWhenTheWaitWouldPassTheDeadline() {
        LocalBackend a = fx.backend();
        Router router = fx.track(fx.router().deadline(Duration.ofSeconds(20))
                .deployment(deployment("chat", "a", a).rpm(2).build()).build());
        router.createChatCompletion(ask("chat"));
        router.createChatCompletion(ask("chat"));

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat")))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("at their rpm/tpm limits")
                .satisfies(e -> assertThat(((RateLimitException) e).retryAfter()).isPresent());
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void spillsOverToAnotherDeploymentWhenOneIsAtItsRpmLimit() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).rpm(5).build())
                .deployment(deployment("chat", "b", b).rpm(5).build()).build());

        for (int i = 0; i < 10; i++) {
            router.createChatCompletion(ask("chat"));
        }

        assertThat(a.requestCount("/v1/chat")).isEqualTo(5);
        assertThat(b.requestCount("/v1/chat")).isEqualTo(5);
        assertThat(fx.time.waits).isEmpty();
    }

    @Test
    void reservesTokensBeforeTheCallAndSettlesThemWithTheUsageAfter() {
        LocalBackend a = fx.backend();
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().state(state)
                .deployment(deployment("chat", "a", a).tpm(300).build()).build());
        ChatCompletionRequest big = ChatCompletionRequest.builder().model("chat")
                .messages(List.of(ChatMessage.user("Hello there"))).maxTokens(200).build();

        ChatCompletion first = router.createChatCompletion(big);
        long used = first.usage().totalTokens();
        assertThat(state.tokensLastMinute("a", fx.time.clock.instant())).isEqualTo(used);
        // 202 tokens reserved twice would pass 300; settled to the real usage, the second call fits at once
        router.createChatCompletion(big);

        assertThat(fx.time.waits).isEmpty();
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void waitsForTokenBudgetWhenAReservationDoesNotFit() {
        LocalBackend a = fx.backend();
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().state(state)
                .deployment(deployment("chat", "a", a).tpm(300).build()).build());
        state.tryReserve("a", "elsewhere", fx.time.clock.instant(), 0, 300, 250);
        ChatCompletionRequest big = ChatCompletionRequest.builder().model("chat")
                .messages(List.of(ChatMessage.user("Hello there"))).maxTokens(100).build();

        router.createChatCompletion(big);

        assertThat(fx.time.waits).hasSize(1);
        assertThat(fx.time.waits.get(0)).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(60).plusMillis(1));
    }

    @Test
    void queuesCallsAtTheParallelRequestLimitUntilASlotFrees() {
        LocalBackend a = fx.backend();
        RouterState state = RouterState.inMemory();
        ManualScheduler scheduler = new ManualScheduler();
        Router router = fx.track(fx.router().state(state).scheduler(scheduler)
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        assertThat(state.tryAcquire("a", 1)).isTrue();

        var call = router.createChatCompletionAsync(ask("chat"));
        scheduler.awaitPending(1);
        assertThat(a.requestCount("/v1/chat")).isZero();
        state.release("a");
        scheduler.releaseAllUntilDone(call);

        assertThat(call.join().choices()).isNotEmpty();
        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);
    }

    @Test
    void wakesACallWaitingForAParallelSlotWhenAnotherCallEndsWithoutPolling() throws Exception {
        LocalBackend a = fx.backend();
        ManualScheduler scheduler = new ManualScheduler();
        Router router = fx.track(fx.router().scheduler(scheduler).deadline(Duration.ofSeconds(30))
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        ChatCompletionStream holder = router.streamChatCompletion(ask("chat")); // holds the one slot until closed

        var waiting = router.createChatCompletionAsync(ask("chat"));
        scheduler.awaitPending(1);
        assertThat(waiting).isNotDone();
        holder.close();

        // woken by the release itself: no wait of the scheduler ended, and the only one asked for is the deadline
        assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).choices()).isNotEmpty();
        assertThat(scheduler.asked).containsExactly(Duration.ofSeconds(30));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void cancelsTheDeadlineTimerOfAnAsyncCallWokenFromAParallelSlotWait() throws Exception {
        LocalBackend a = fx.backend();
        ManualScheduler scheduler = new ManualScheduler();
        Router router = fx.track(fx.router().scheduler(scheduler).deadline(Duration.ofMinutes(10))
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        ChatCompletionStream holder = router.streamChatCompletion(ask("chat"));
        var waiting = router.createChatCompletionAsync(ask("chat"));
        scheduler.awaitPending(1);
        assertThat(scheduler.issued.get(0)).isNotDone();

        holder.close();
        waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);

        // the 10-minute timer is not left pending until its deadline
        assertThat(scheduler.asked).containsExactly(Duration.ofMinutes(10));
        assertThat(scheduler.issued.get(0)).isCancelled();
    }

    @Test
    void cancelsTheDeadlineTimerOfABlockedSyncCallWokenFromAParallelSlotWait() throws Exception {
        LocalBackend a = fx.backend();
        ManualScheduler scheduler = new ManualScheduler();
        Router router = fx.track(fx.router().scheduler(scheduler).deadline(Duration.ofMinutes(10))
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        ChatCompletionStream holder = router.streamChatCompletion(ask("chat"));
        var blocked = java.util.concurrent.CompletableFuture.supplyAsync(() -> router.createChatCompletion(ask("chat")));
        scheduler.awaitPending(1);

        holder.close();
        blocked.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(scheduler.issued).hasSize(1);
        assertThat(scheduler.issued.get(0)).isCancelled();
    }

    @Test
    void cancelsTheDeadlineTimerWhenTheCallerCancelsACallWaitingForAParallelSlot() {
        LocalBackend a = fx.backend();
        RouterState state = RouterState.inMemory();
        ManualScheduler scheduler = new ManualScheduler();
        Router router = fx.track(fx.router().state(state).scheduler(scheduler)
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        assertThat(state.tryAcquire("a", 1)).isTrue();
        var waiting = router.createChatCompletionAsync(ask("chat"));
        scheduler.awaitPending(1);

        waiting.cancel(true);

        assertThat(scheduler.issued.get(0)).isCancelled();
        assertThat(a.requestCount("/v1/chat")).isZero();
    }

    @Test
    void cancellingAnAsyncCallInFlightCancelsItsRequestAndGivesItsSlotBack() {
        LocalBackend a = fx.backend();
        a.enqueue(ai.synth.lm.testserver.Fault.slowHeaders(Duration.ofMinutes(1)));
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().state(state)
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        var call = router.createChatCompletionAsync(ask("chat"));
        assertThat(state.inFlight("a")).isEqualTo(1);

        call.cancel(true);

        // the deployment's request was cancelled with the call, not left to hold the slot for the server's minute
        assertThat(call).isCancelled();
        assertThat(state.inFlight("a")).isZero();
    }

    @Test
    void wakesABlockedSyncCallWhenAnotherRouterOnTheSameStateReleasesTheSlot() throws Exception {
        LocalBackend a = fx.backend();
        RouterState shared = RouterState.inMemory();
        ManualScheduler scheduler = new ManualScheduler();
        Router first = fx.track(fx.router().state(shared).scheduler(scheduler)
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        Router second = fx.track(fx.router().state(shared).scheduler(scheduler)
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        ChatCompletionStream holder = first.streamChatCompletion(ask("chat"));

        var blocked = java.util.concurrent.CompletableFuture.supplyAsync(() -> second.createChatCompletion(ask("chat")));
        scheduler.awaitPending(1);
        assertThat(blocked).isNotDone();
        holder.close();

        assertThat(blocked.get(10, java.util.concurrent.TimeUnit.SECONDS).choices()).isNotEmpty();
        assertThat(scheduler.asked).containsExactly(RouterBuilder.DEFAULT_DEADLINE);
        assertThat(shared.inFlight("a")).isZero();
    }

    @Test
    void givesUpAtTheDeadlineWhenNoParallelSlotFreesEvenOnAnInstantScheduler() {
        LocalBackend a = fx.backend();
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().state(state).deadline(Duration.ofSeconds(30))
                .deployment(deployment("chat", "a", a).maxParallelRequests(1).build()).build());
        assertThat(state.tryAcquire("a", 1)).isTrue();

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat")))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("at their parallel-request limits");
        assertThat(a.requestCount("/v1/chat")).isZero();
    }
}
