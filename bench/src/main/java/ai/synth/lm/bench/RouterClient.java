package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * synth-lm's {@link Router} over one deployment (an OpenAI provider on the same base URL, library defaults): the
 * router's own cost per call (pick, lease, state updates, retry loop) over the bare provider of row synth-lm.
 */
final class RouterClient implements BenchClient {

    static final String GROUP = "bench";

    private final Router router;

    RouterClient(String baseUrl) {
        router = Router.builder().environment(Map.of())
                .deployment(Deployment.builder(GROUP, "openai", Fixtures.MODEL).id("nginx").baseUrl(baseUrl)
                        .apiKey("bench-key").build())
                .build();
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder().model(GROUP)
                .messages(List.of(ChatMessage.user(Fixtures.PROMPT))).build();
    }

    @Override
    public int call() {
        return SynthLmClient.call(router, request());
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return SynthLmClient.callAsync(router, request());
    }

    @Override
    public int stream() {
        return SynthLmClient.stream(router, request());
    }

    @Override
    public String limits() {
        return "Router over one deployment (simple-shuffle, in-memory state, no limits): createChatCompletion on the"
                + " caller's thread in the sync scenarios, createChatCompletionAsync in the async one; the deployment's"
                + " provider as synth-lm's row";
    }

    @Override
    public void close() {
        router.close();
    }
}
