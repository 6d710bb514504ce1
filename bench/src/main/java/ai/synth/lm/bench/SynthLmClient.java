package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** synth-lm's OpenAI provider with its default settings (it has no connection or concurrency limit to set). */
final class SynthLmClient implements BenchClient {

    private final OpenAIProvider provider;

    SynthLmClient(String baseUrl) {
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl).apiKey("bench-key")
                .environment(Map.of()).build());
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder().model(Fixtures.MODEL)
                .messages(List.of(ChatMessage.user(Fixtures.PROMPT))).build();
    }

    @Override
    public int call() {
        return provider.createChatCompletion(request()).choices().get(0).message().content().length();
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return provider.createChatCompletionAsync(request())
                .thenApply(c -> c.choices().get(0).message().content().length());
    }

    @Override
    public int stream() {
        int chunks = 0;
        try (ChatCompletionStream stream = provider.streamChatCompletion(request())) {
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
        return "createChatCompletionAsync; library defaults (JDK HttpClient, HTTP/1.1 on http://), nothing to set";
    }

    @Override
    public void close() {
        provider.close();
    }
}
