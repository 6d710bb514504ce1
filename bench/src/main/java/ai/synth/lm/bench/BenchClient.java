package ai.synth.lm.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client under test, driven the way its own documentation shows: a request built per call, the reply text
 * read from the decoded response. Implementations are thread-safe, like the clients they wrap.
 */
interface BenchClient extends AutoCloseable {

    /** The clients in the order of the tables; synth-lm first, the raw floor last. */
    List<String> NAMES = List.of("synth-lm", "openai-java", "langchain4j", "raw-jdk");

    /** One non-streamed call, on the calling thread; returns the length of the reply text. */
    int call() throws Exception;

    /** One non-streamed call through the client's async face. */
    CompletableFuture<Integer> callAsync();

    /** One streamed call read to the end on the calling thread; returns the number of content chunks seen. */
    int stream() throws Exception;

    /** What this client's async face is, and the concurrency and connection limits set on it. */
    String limits();

    @Override
    void close();

    /** The client named {@code name} against {@code baseUrl} (ending in {@code /v1}). */
    static BenchClient create(String name, String baseUrl) {
        return switch (name) {
            case "synth-lm" -> new SynthLmClient(baseUrl);
            case "openai-java" -> new OpenAiJavaClient(baseUrl);
            case "langchain4j" -> new LangChain4jClient(baseUrl);
            case "raw-jdk" -> new RawJdkClient(baseUrl);
            default -> throw new IllegalArgumentException("unknown client " + name + "; one of " + NAMES);
        };
    }
}
