package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterListenerTest {

    private final RouterFixture fx = new RouterFixture();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void tellsEachDeploymentCallTheRetryElsewhereAndTheCooldown() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().allowedFails(0).initialBackoff(Duration.ofSeconds(1))
                .routingStrategy(RoutingStrategy.LEAST_BUSY).listener(listener)
                .deployment(deployment("chat", "a", a).build()).deployment(deployment("chat", "b", b).build()).build());

        router.createChatCompletion(ask("chat"));

        assertThat(listener.lines).containsSubsequence("start openai model-a", "attempt 1 503",
                "end ApiException after 1", "cooldown a 5 s", "start openai model-b", "attempt 1 200", "end ok after 1");
        assertThat(listener.lines("retry")).singleElement().asString().startsWith("retry a 1 in ");
        assertThat(listener.ends.get(1).call().deployment()).isEqualTo("b");
    }

    @Test
    void tellsTheWaitForCapacityAndTheEndOfACooldown() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().allowedFails(0).numRetries(0).listener(listener)
                .deployment(deployment("chat", "a", a).build()).build());
        assertThatThrownBy(() -> router.createChatCompletion(ask("chat"))).isInstanceOf(ApiException.class);

        router.createChatCompletion(ask("chat"));

        assertThat(listener.lines).containsSubsequence("cooldown a 5 s", "wait chat 5 s: cooling down", "cooled a",
                "start openai model-a", "end ok after 1");
    }
}
