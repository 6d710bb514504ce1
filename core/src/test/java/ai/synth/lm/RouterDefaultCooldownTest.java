package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Without allowed_fails the router follows LiteLLM's default cooldown rule. */
class RouterDefaultCooldownTest {

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void coolsADeploymentDownOnItsFirst429WhenItsGroupHasAnother() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.rateLimited());
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build())
                .deployment(deployment("chat", "b", b).build()).build());

        for (int i = 0; i < 20; i++) {
            router.createChatCompletion(ask("chat"));
        }

        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(b.requestCount("/v1/chat")).isEqualTo(20);
    }

    @Test
    void keepsADeploymentAloneInItsGroupAfterA429AndRetriesItAfterABackoff() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.rateLimited());
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build()).build());

        router.createChatCompletion(ask("chat"));
        router.createChatCompletion(ask("chat"));

        // one backoff (0.5 s less jitter), no 5 s cooldown, and the second call waits for nothing
        assertThat(fx.time.waits).singleElement()
                .satisfies(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofMillis(500)));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(3);
    }

    @Test
    void coolsADeploymentAloneInItsGroupDownAtOnceOnA401() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.status(401));
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build()).build());

        router.createChatCompletion(ask("chat"));

        assertThat(fx.time.waits).containsExactly(RouterBuilder.DEFAULT_COOLDOWN_TIME);
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void coolsADeploymentDownOnceMoreThanHalfOfItsCallsThisMinuteFailed() {
        LocalBackend a = fx.backend();
        LocalBackend backup = fx.backend();
        Router router = fx.track(fx.router().numRetries(0).fallbacks("chat", java.util.List.of("backup"))
                .deployment(deployment("chat", "a", a).build())
                .deployment(deployment("backup", "backup", backup).build()).build());
        for (int i = 0; i < 5; i++) {
            router.createChatCompletion(ask("chat"));
        }
        for (int i = 0; i < 10; i++) {
            a.enqueue(Fault.status(500));
        }

        for (int i = 0; i < 12; i++) {
            router.createChatCompletion(ask("chat")); // a's failures fall back to the backup group
        }

        // 1 of 6 calls failed, ... 5 of 10: not more than half; 6 of 11 is, so a cools down and the last 6 calls
        // skip it (a count of failures alone, as with allowed_fails: 3, would have cooled it at the 4th)
        assertThat(a.requestCount("/v1/chat")).isEqualTo(5 + 6);
        assertThat(backup.requestCount("/v1/chat")).isEqualTo(12);
    }
}
