package ai.synth.lm.cli;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.RouterState;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The demo's router step: two replicas and a backup group, a cooldown after a 503, then a fallback. */
final class RouterTour {

    private static final String CHAT = "/v1/chat/completions";
    static final Duration COOLDOWN = Duration.ofSeconds(5);

    private final LocalBackend backup;
    private final String apiKey;
    private final Consumer<String> say;

    RouterTour(LocalBackend backup, String apiKey, Consumer<String> say) {
        this.backup = backup;
        this.apiKey = apiKey;
        this.say = say;
    }

    void run() {
        try (LocalBackend a = LocalBackend.builder().apiKey(apiKey).build().start();
                LocalBackend b = LocalBackend.builder().apiKey(apiKey).build().start()) {
            RouterState state = RouterState.inMemory();
            // A fixed seed so the tour reads the same every time; routers are seeded at random by default.
            try (Router router = Router.builder().environment(Map.of()).state(state).random(new SplittableRandom(7))
                    .deployment(deployment("chat", "replica-a", a))
                    .deployment(deployment("chat", "replica-b", b))
                    .deployment(deployment("backup", "backup", backup))
                    .allowedFails(0).cooldownTime(COOLDOWN).numRetries(1).initialBackoff(Duration.ofMillis(100))
                    .fallbacks("chat", List.of("backup")).build()) {
                cooldown(router, state, a, b);
                fallback(router, b);
            }
        }
    }

    private Deployment deployment(String group, String id, LocalBackend backend) {
        return Deployment.builder(group, "openai", DemoTour.MODEL).id(id).baseUrl(backend.baseUrl() + "/v1")
                .apiKey(apiKey).build();
    }

    private void cooldown(Router router, RouterState state, LocalBackend a, LocalBackend b) {
        a.enqueue(Fault.status(503));
        for (int i = 0; i < 6; i++) {
            router.createChatCompletion("chat", List.of(ChatMessage.user("Call number " + (i + 1))));
        }
        String cooling = state.cooldownEnd("replica-a", Instant.now())
                .map(end -> "cooling down for another " + Duration.between(Instant.now(), end).toMillis() + " ms")
                .orElse("not cooling");
        say.accept("6 calls to model group 'chat': replica-a saw " + a.requestCount(CHAT) + " request (a 503,"
                + " which took it out for " + COOLDOWN.toSeconds() + " s; it is " + cooling + "), replica-b answered "
                + b.requestCount(CHAT) + ". Every call succeeded.");
    }

    private void fallback(Router router, LocalBackend b) {
        b.enqueue(Fault.status(503));
        int before = backup.requestCount(CHAT);
        ChatCompletion answer = router.createChatCompletion("chat", List.of(ChatMessage.user("Anyone there?")));
        say.accept("Next call: replica-a still cooling, replica-b answered 503 and cooled down too. With no"
                + " deployment of 'chat' left, the call fell back at once to model group 'backup' ("
                + (backup.requestCount(CHAT) - before) + " request) and got: " + answer.content());
    }
}
