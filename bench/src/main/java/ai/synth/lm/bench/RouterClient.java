package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
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
        return router.createChatCompletion(request()).choices().get(0).message().content().length();
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return router.createChatCompletionAsync(request())
                .thenApply(c -> c.choices().get(0).message().content().length());
    }

    @Override
    public int stream() {
        int chunks = 0;
        try (ChatCompletionStream stream = router.streamChatCompletion(request())) {
            for (ChatCompletionChunk chunk : stream) {
                String content = chunk.content();
                if (content != null && !content.isEmpty()) {
                    chunks++;
                }
            }
        }
        return chunks;
    }

    @Override
    public String limits() {
        return "Router.createChatCompletionAsync over one deployment (simple-shuffle, in-memory state, no limits);"
                + " the deployment's provider as synth-lm's row";
    }

    @Override
    public void close() {
        router.close();
    }
}
