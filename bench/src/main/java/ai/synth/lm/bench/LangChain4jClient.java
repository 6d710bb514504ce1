package ai.synth.lm.bench;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LangChain4j's {@code OpenAiChatModel} and {@code OpenAiStreamingChatModel} as its docs build them. It has no
 * async non-streamed call, so its "async face" is what its users do: the blocking call on a pool of 64 threads,
 * the same concurrency limit the others get.
 */
final class LangChain4jClient implements BenchClient {

    static final int POOL_THREADS = 64;

    private final String baseUrl;
    private final OpenAiChatModel model;
    private volatile OpenAiStreamingChatModel streaming;
    private volatile ExecutorService pool;

    LangChain4jClient(String baseUrl) {
        this.baseUrl = baseUrl;
        model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("bench-key").modelName(Fixtures.MODEL).build();
    }

    @Override
    public int call() {
        ChatResponse response = model.chat(UserMessage.from(Fixtures.PROMPT));
        return response.aiMessage().text().length();
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return CompletableFuture.supplyAsync(this::call, pool());
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(POOL_THREADS, r -> {
                        Thread t = new Thread(r, "lc4j-caller");
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }

    @Override
    public int stream() throws InterruptedException, ExecutionException {
        OpenAiStreamingChatModel m = streaming;
        if (m == null) {
            synchronized (this) {
                if (streaming == null) {
                    streaming = OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("bench-key")
                            .modelName(Fixtures.MODEL).build();
                }
                m = streaming;
            }
        }
        AtomicInteger chunks = new AtomicInteger();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        m.chat(Fixtures.PROMPT, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                if (!partial.isEmpty()) {
                    chunks.incrementAndGet();
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        done.get();
        return chunks.get();
    }

    @Override
    public String limits() {
        return "no async call: the blocking chat() on a fixed pool of " + POOL_THREADS
                + " threads; defaults otherwise (JDK HttpClient)";
    }

    @Override
    public void close() {
        ExecutorService p = pool;
        if (p != null) {
            p.shutdownNow();
        }
    }
}
