package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.internal.HttpEngine;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * synth-lm's OpenAI provider with its default settings (it has no connection or concurrency limit to set): either as
 * it comes (client {@code synth-lm}: whatever transport the library picks for the URL's scheme) or over the JDK
 * HttpClient ({@code -Dai.synth.lm.transport=jdk}; client {@code synth-lm-jdk}). Each client runs in its own JVM, so
 * setting the system property here affects no other client. The transport that carried the calls is named in
 * {@link #limits()}.
 */
final class SynthLmClient implements BenchClient {

    private static final String JDK = "jdk";

    private final OpenAIProvider provider;
    private final boolean forcedJdk;
    private final String used;

    /** synth-lm as it comes. */
    static SynthLmClient asItComes(String baseUrl) {
        return new SynthLmClient(baseUrl, false);
    }

    /** synth-lm with {@code -Dai.synth.lm.transport=jdk}, set here before the provider is made. */
    static SynthLmClient jdkTransport(String baseUrl) {
        System.setProperty(HttpEngine.TRANSPORT_PROPERTY, JDK);
        return new SynthLmClient(baseUrl, true);
    }

    /** Fails when the JDK client is asked for and not used, or used as it comes only because of a stray property. */
    private SynthLmClient(String baseUrl, boolean forcedJdk) {
        String property = System.getProperty(HttpEngine.TRANSPORT_PROPERTY);
        if (JDK.equals(property) != forcedJdk) {
            throw new IllegalStateException("-D" + HttpEngine.TRANSPORT_PROPERTY + " is " + property + ", so synth-lm"
                    + " would not run " + (forcedJdk ? "over the JDK client" : "as it comes") + " as this row says");
        }
        this.forcedJdk = forcedJdk;
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl).apiKey("bench-key")
                .environment(Map.of()).build());
        used = engineTransport(provider);
        if (forcedJdk && used != null && !used.equals(JDK)) {
            provider.close();
            throw new IllegalStateException("synth-lm's engine uses the " + used + " transport, not " + JDK
                    + " (-D" + HttpEngine.TRANSPORT_PROPERTY + "=" + property + ")");
        }
    }

    /**
     * The transport the provider's engine reports, reached by reflection (the engine is internal); null when no
     * engine field is found.
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
        return call(provider, request());
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return callAsync(provider, request());
    }

    @Override
    public int stream() {
        return stream(provider, request());
    }

    /** One call on the sync face of {@code provider} (a bare provider or a router): the answer's length. */
    static int call(UnifiedLMProvider provider, ChatCompletionRequest request) {
        return provider.createChatCompletion(request).choices().get(0).message().content().length();
    }

    /** One call on the async face of {@code provider}: the answer's length. */
    static CompletableFuture<Integer> callAsync(UnifiedLMProvider provider, ChatCompletionRequest request) {
        return provider.createChatCompletionAsync(request)
                .thenApply(c -> c.choices().get(0).message().content().length());
    }

    /** One stream of {@code provider} read to its end: the number of chunks with content. */
    static int stream(UnifiedLMProvider provider, ChatCompletionRequest request) {
        int chunks = 0;
        try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
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
        String carried = used == null ? "transport not reported" : "carried by its " + used + " transport"
                + (used.equals(JDK) ? " (JDK HttpClient)" : " (its own HTTP/1.1)");
        return forcedJdk
                ? "createChatCompletionAsync; library defaults except -D" + HttpEngine.TRANSPORT_PROPERTY + "=jdk, "
                        + carried + "; nothing else set"
                : "createChatCompletionAsync; library defaults, nothing set; " + carried;
    }

    @Override
    public void close() {
        provider.close();
    }
}
