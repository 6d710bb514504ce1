package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router's synchronous faces use the deployments' synchronous faces: every attempt runs on the caller's thread. */
class RouterCallerThreadTest {

    private final RouterFixture fx = new RouterFixture();
    private final List<Thread> attemptThreads = new CopyOnWriteArrayList<>();
    private final LMListener threads = new LMListener() {
        @Override
        public void attemptEnded(Attempt attempt) {
            attemptThreads.add(Thread.currentThread());
        }
    };

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void sendsEachAttemptOfASyncCallOnTheCallersThreadRetriesIncluded() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.status(503));
        b.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().listener(threads).routingStrategy(RoutingStrategy.LEAST_BUSY)
                .numRetries(3).deployment(deployment("chat", "a", a).build())
                .deployment(deployment("chat", "b", b).build()).build());

        assertThat(router.createChatCompletion(ask("chat")).choices()).isNotEmpty();

        // a and b fail once each; the third attempt waits out a backoff (virtual time) and succeeds
        assertThat(attemptThreads).hasSize(3).containsOnly(Thread.currentThread());
        assertThat(fx.time.waits).hasSize(1);
    }

    @Test
    void opensASyncStreamOnTheCallersThread() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.status(500));
        Router router = fx.track(fx.router().listener(threads).numRetries(1)
                .deployment(deployment("chat", "a", a).build()).build());

        try (ChatCompletionStream stream = router.streamChatCompletion(ask("chat"))) {
            assertThat(stream.iterator().hasNext()).isTrue();
        }

        assertThat(attemptThreads).isNotEmpty().containsOnly(Thread.currentThread());
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }
}
