package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.internal.HttpEngine;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * synth-lm's OpenAI provider with its default settings (it has no connection or concurrency limit to set), over
 * either of its plain-http transports: its own HTTP/1.1 (the default; client {@code synth-lm}) or the JDK HttpClient
 * ({@code -Dai.synth.lm.transport=jdk}; client {@code synth-lm-jdk}). Each client runs in its own JVM, so setting
 * the system property here affects no other client.
 */
final class SynthLmClient implements BenchClient {

    private static final String OWN = "http1";
    private static final String JDK = "jdk";

    private final OpenAIProvider provider;
    private final String transport;

    /** synth-lm as it comes: its own HTTP/1.1 transport on http://. */
    static SynthLmClient ownTransport(String baseUrl) {
        return new SynthLmClient(baseUrl, OWN);
    }

    /** synth-lm with {@code -Dai.synth.lm.transport=jdk}, set here before the provider is made. */
    static SynthLmClient jdkTransport(String baseUrl) {
        System.setProperty(HttpEngine.TRANSPORT_PROPERTY, JDK);
        return new SynthLmClient(baseUrl, JDK);
    }

    /** Fails unless the provider made here carries its calls over {@code transport}, so no row is mislabelled. */
    private SynthLmClient(String baseUrl, String transport) {
        if (!baseUrl.startsWith("http://")) {
            throw new IllegalStateException("the transport A/B needs a plain http:// base URL (HTTPS always goes"
                    + " through the JDK client), not " + baseUrl);
        }
        String property = System.getProperty(HttpEngine.TRANSPORT_PROPERTY);
        if (JDK.equals(property) != JDK.equals(transport)) {
            throw new IllegalStateException("-D" + HttpEngine.TRANSPORT_PROPERTY + " is " + property + ", so synth-lm"
                    + " would not use the " + transport + " transport this client is meant to measure");
        }
        this.transport = transport;
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl).apiKey("bench-key")
                .environment(Map.of()).build());
        String used = engineTransport(provider);
        if (used != null && !used.equals(transport)) {
            provider.close();
            throw new IllegalStateException("synth-lm's engine uses the " + used + " transport, not " + transport
                    + " (-D" + HttpEngine.TRANSPORT_PROPERTY + "=" + property + ")");
        }
    }

    /**
     * The transport the provider's engine reports, reached by reflection (the engine is internal); null when no
     * engine field is found, in which case the check of the system property above is what holds.
     */
    private static String engineTransport(OpenAIProvider provider) {
        for (Class<?> c = provider.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (HttpEngine.class.isAssignableFrom(f.getType())) {
                    try {
                        f.setAccessible(true);
                        return ((HttpEngine) f.get(provider)).transportName();
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
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
        return JDK.equals(transport)
                ? "createChatCompletionAsync; library defaults except -D" + HttpEngine.TRANSPORT_PROPERTY + "=jdk"
                        + " (JDK HttpClient, HTTP/1.1 on http://), nothing else set"
                : "createChatCompletionAsync; library defaults: its own HTTP/1.1 transport on http://, nothing to set";
    }

    @Override
    public void close() {
        provider.close();
    }
}
