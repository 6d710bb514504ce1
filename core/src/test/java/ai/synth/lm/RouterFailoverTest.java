package ai.synth.lm;

import static ai.synth.lm.RouterFixture.ask;
import static ai.synth.lm.RouterFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterFailoverTest {

    private final RouterFixture fx = new RouterFixture();

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void sendsNoRequestToACoolingDeploymentUntilItsCooldownEnds() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().allowedFails(0).deployment(deployment("chat", "a", a).build())
                .deployment(deployment("chat", "b", b).build()).build());

        for (int i = 0; i < 30; i++) {
            assertThat(router.createChatCompletion(ask("chat")).choices()).isNotEmpty();
        }
        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(b.requestCount("/v1/chat")).isEqualTo(30);

        fx.time.advance(RouterBuilder.DEFAULT_COOLDOWN_TIME);
        for (int i = 0; i < 30; i++) {
            router.createChatCompletion(ask("chat"));
        }
        assertThat(a.requestCount("/v1/chat")).isGreaterThan(1);
    }

    @Test
    void coolsDownOnlyAfterMoreThanAllowedFailsWithinAMinute() {
        LocalBackend a = fx.backend();
        for (int i = 0; i < 3; i++) {
            a.enqueue(Fault.status(500));
        }
        Router router = fx.track(fx.router().allowedFails(2).numRetries(5).initialBackoff(Duration.ofSeconds(1))
                .deployment(deployment("chat", "a", a).build()).build());

        router.createChatCompletion(ask("chat"));

        // two failures are allowed and only back off (1 s, 2 s); the third cools the deployment for 5 s
        assertThat(fx.time.waits).hasSize(3);
        assertThat(fx.time.waits.get(2)).isEqualTo(RouterBuilder.DEFAULT_COOLDOWN_TIME);
        assertThat(a.requestCount("/v1/chat")).isEqualTo(4);
    }

    @Test
    void waitsWhatRetryAfterAsksWhenNoOtherDeploymentIsFree() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.rateLimited(Duration.ofSeconds(7)));
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build()).build());

        router.createChatCompletion(ask("chat"));

        assertThat(fx.time.waits).containsExactly(Duration.ofSeconds(7));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void goesToAnotherDeploymentAtOnceInsteadOfWaitingOutRetryAfter() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        a.enqueue(Fault.rateLimited(Duration.ofSeconds(30)));
        b.enqueue(Fault.rateLimited(Duration.ofSeconds(30)));
        LocalBackend c = fx.backend();
        Router router = fx.track(fx.router().deployment(deployment("chat", "a", a).build())
                .deployment(deployment("chat", "b", b).build()).deployment(deployment("chat", "c", c).build())
                .build());

        router.createChatCompletion(ask("chat"));
        router.createChatCompletion(ask("chat"));
        router.createChatCompletion(ask("chat"));

        assertThat(fx.time.waits).isEmpty();
        assertThat(a.requestCount("/v1/chat") + b.requestCount("/v1/chat") + c.requestCount("/v1/chat"))
                .isLessThanOrEqualTo(5);
    }

    @Test
    void retryAfterBecomesTheCooldownWhenTheDeploymentCools() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.rateLimited(Duration.ofSeconds(20)));
        RouterState state = RouterState.inMemory();
        Router router = fx.track(fx.router().allowedFails(0).numRetries(0).state(state)
                .deployment(deployment("chat", "a", a).build()).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat"))).isInstanceOf(RateLimitException.class);

        assertThat(state.cooldownEnd("a", fx.time.clock.instant()))
                .contains(fx.time.clock.instant().plusSeconds(20));
    }

    @Test
    void fallsBackToTheConfiguredGroupsInOrder() {
        LocalBackend main = fx.backend();
        LocalBackend first = fx.backend();
        LocalBackend second = fx.backend();
        main.enqueue(Fault.status(503));
        first.enqueue(Fault.status(500));
        Router router = fx.track(fx.router().numRetries(0)
                .deployment(deployment("main", "m", main).build())
                .deployment(deployment("first", "f", first).build())
                .deployment(deployment("second", "s", second).build())
                .fallbacks("main", List.of("first", "second")).build());

        ChatCompletion answer = router.createChatCompletion(ask("main"));

        assertThat(answer.choices()).isNotEmpty();
        assertThat(main.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(first.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(second.lastRequest().bodyJson()).containsEntry("model", "model-s");
    }

    @Test
    void sendsATooLongPromptToTheContextWindowFallbackWithoutRetryOrCooldown() {
        LocalBackend small = fx.backend();
        LocalBackend big = fx.backend();
        small.enqueue(Fault.body(400, "application/json", "{\"error\":{\"message\":\"This model's maximum context"
                + " length is 8192 tokens\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}"));
        Router router = fx.track(fx.router().allowedFails(0)
                .deployment(deployment("small", "s", small).build()).deployment(deployment("big", "b", big).build())
                .contextWindowFallbacks("small", List.of("big")).build());

        router.createChatCompletion(ask("small"));
        router.createChatCompletion(ask("small"));

        assertThat(small.requestCount("/v1/chat")).isEqualTo(2);
        assertThat(big.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(fx.time.waits).isEmpty();
    }

    @Test
    void failsAPlainBadRequestAtOnceWithoutRetryCooldownOrFallback() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        LocalBackend backup = fx.backend();
        a.enqueue(Fault.status(400));
        Router router = fx.track(fx.router().allowedFails(0)
                .deployment(deployment("chat", "a", a).weight(1e6).build())
                .deployment(deployment("chat", "b", b).weight(1).build())
                .deployment(deployment("backup", "k", backup).build())
                .fallbacks("chat", List.of("backup")).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat")))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400))
                .hasMessageContaining("failed after 1 attempt");
        assertThat(a.requestCount("/v1/chat") + b.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(backup.requestCount("/v1/chat")).isZero();
        for (int i = 0; i < 20; i++) {
            router.createChatCompletion(ask("chat"));
        }
        assertThat(a.requestCount("/v1/chat")).isGreaterThan(1);
    }

    @Test
    void finalErrorNamesEveryDeploymentTriedAndWhy() {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        LocalBackend c = fx.backend();
        a.enqueue(Fault.status(503));
        b.enqueue(Fault.status(502));
        c.enqueue(Fault.status(500));
        c.enqueue(Fault.status(500));
        Router router = fx.track(fx.router().numRetries(1)
                .deployment(deployment("chat", "a", a).build()).deployment(deployment("chat", "b", b).build())
                .deployment(deployment("backup", "c", c).build())
                .fallbacks("chat", List.of("backup")).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("failed after 4 attempts")
                .hasMessageContaining("a (chat): HTTP 503")
                .hasMessageContaining("b (chat): HTTP 502")
                .hasMessageContaining("c (backup): HTTP 500")
                .hasMessageNotContaining(RouterFixture.KEY)
                .satisfies(e -> {
                    assertThat(((ApiException) e).attempts()).isEqualTo(4);
                    assertThat(e.getSuppressed()).hasSize(3);
                });
    }

    @Test
    void failsWithWhenToComeBackWhenEveryDeploymentCoolsPastTheDeadline() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.rateLimited(Duration.ofSeconds(50)));
        Router router = fx.track(fx.router().allowedFails(0).deadline(Duration.ofSeconds(10))
                .deployment(deployment("chat", "a", a).build()).build());

        assertThatThrownBy(() -> router.createChatCompletion(ask("chat")))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("cooling down")
                .satisfies(e -> assertThat(((RateLimitException) e).retryAfter()).contains(Duration.ofSeconds(50)));
        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);
    }

    @Test
    void waitsForTheFirstDeploymentToCoolOffWhenThatIsWithinTheDeadline() {
        LocalBackend a = fx.backend();
        a.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().allowedFails(0).numRetries(0)
                .deployment(deployment("chat", "a", a).build()).build());
        assertThatThrownBy(() -> router.createChatCompletion(ask("chat"))).isInstanceOf(ApiException.class);

        router.createChatCompletion(ask("chat"));

        assertThat(fx.time.waits).containsExactly(RouterBuilder.DEFAULT_COOLDOWN_TIME);
    }

    @Test
    void fallsBackAtOnceInsteadOfWaitingWhenEveryDeploymentIsCooling() {
        LocalBackend a = fx.backend();
        LocalBackend backup = fx.backend();
        a.enqueue(Fault.status(503));
        Router router = fx.track(fx.router().allowedFails(0)
                .deployment(deployment("chat", "a", a).build()).deployment(deployment("backup", "k", backup).build())
                .fallbacks("chat", List.of("backup")).build());

        router.createChatCompletion(ask("chat"));

        assertThat(fx.time.waits).isEmpty();
        assertThat(a.requestCount("/v1/chat")).isEqualTo(1);
        assertThat(backup.requestCount("/v1/chat")).isEqualTo(1);
    }
}
