package ai.synth.lm;

import ai.synth.lm.testserver.LocalBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Local backends on loopback and routers over them, on virtual time. Close it after each test. */
final class RouterFixture implements AutoCloseable {

    static final String KEY = "sk-router-test-key-0123456789";
    final VirtualTime time = new VirtualTime();
    private final List<AutoCloseable> open = new ArrayList<>();

    LocalBackend backend() {
        LocalBackend b = LocalBackend.builder().apiKey(KEY).build().start();
        open.add(b);
        return b;
    }

    static Deployment.Builder deployment(String group, String id, LocalBackend backend) {
        return Deployment.builder(group, "openai", "model-" + id).id(id).baseUrl(backend.baseUrl() + "/v1")
                .apiKey(KEY);
    }

    /** A builder on virtual time with a seeded random, no backoff surprises, and an empty environment. */
    RouterBuilder router() {
        return Router.builder().clock(time.clock).scheduler(time).random(new SplittableRandom(42))
                .environment(Map.of());
    }

    Router track(Router router) {
        open.add(router);
        return router;
    }

    static ChatCompletionRequest ask(String group) {
        return ChatCompletionRequest.of(group, List.of(ChatMessage.user("Hello there")));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
