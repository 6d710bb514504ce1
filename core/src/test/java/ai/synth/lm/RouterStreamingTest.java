package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterStreamingTest {

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private Router twoDeploymentsFirstFailing(LocalBackend failing, LocalBackend healthy, RouterState state) {
        return fx.track(fx.router().state(state)
                .deployment(deployment("chat", "bad", failing).weight(1e6).build())
                .deployment(deployment("chat", "good", healthy).weight(1).build()).build());
    }

    @Test
    void asyncCallIsRetriedOnAnotherDeployment() throws Exception {
        LocalBackend bad = fx.backend();
        LocalBackend good = fx.backend();
        bad.enqueue(Fault.status(503));
        Router router = twoDeploymentsFirstFailing(bad, good, RouterState.inMemory());

        ChatCompletion answer = router.createChatCompletionAsync(ask("chat")).get(10, TimeUnit.SECONDS);

        assertThat(answer.choices().get(0).message().content()).isNotBlank();
        assertThat(bad.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(good.requestCount("/v1/chat")).isEqualTo(1);
    }

    @Test
    void streamOpensOnAnotherDeploymentWhenTheFirstRefusesAndReleasesItsSlotOnClose() {
        LocalBackend bad = fx.backend();
        LocalBackend good = fx.backend();
        bad.enqueue(Fault.status(502));
        RouterState state = RouterState.inMemory();
        Router router = twoDeploymentsFirstFailing(bad, good, state);

        String text;
        try (ChatCompletionStream stream = router.streamChatCompletion(ask("chat"))) {
            assertThat(state.inFlight("good")).isEqualTo(1);
            text = stream.toCompletion().choices().get(0).message().content();
        }

        assertThat(text).isNotBlank();
        assertThat(good.lastRequest().bodyJson()).containsEntry("stream", true).containsEntry("model", "model-good");
        assertThat(state.inFlight("good")).isZero();
        assertThat(state.inFlight("bad")).isZero();
        assertThat(state.latency("good")).isPresent();
    }

    @Test
    void publisherRetriesBeforeTheFirstChunkAndPassesEveryChunkThrough() throws Exception {
        LocalBackend bad = fx.backend();
        LocalBackend good = fx.backend();
        bad.enqueue(Fault.status(500));
        RouterState state = RouterState.inMemory();
        Router router = twoDeploymentsFirstFailing(bad, good, state);
        List<ChatCompletionChunk> chunks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();

        router.streamChatCompletionAsync(ask("chat")).subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ChatCompletionChunk chunk) {
                chunks.add(chunk);
                subscription.request(1);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(10, TimeUnit.SECONDS);

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        chunks.forEach(acc::accumulate);
        assertThat(acc.result().choices().get(0).message().content()).isNotBlank();
        assertThat(bad.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(good.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(state.inFlight("good")).isZero();
    }
}
