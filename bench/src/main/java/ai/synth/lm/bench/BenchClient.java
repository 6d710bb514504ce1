package ai.synth.lm.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One client under test, driven the way its own documentation shows: a request built per call, the reply text
 * read from the decoded response. Implementations are thread-safe, like the clients they wrap.
 */
interface BenchClient extends AutoCloseable {

    /**
     * The clients in the order of the tables: synth-lm first, then synth-lm again over the JDK HttpClient (the A/B of
     * its two transports, measured in the same run), the peers, Jetty's HttpClient (the reference), the raw floor last.
     */
    List<String> NAMES = List.of("synth-lm", "synth-lm-jdk", "openai-java", "langchain4j", "jetty", "raw-jdk");

    /**
     * The clients of the JMH allocation benchmark (its {@code @Param}): no synth-lm-jdk, whose request build, encode
     * and decode are synth-lm's, only the transport differs; no Jetty, whose request and reply are the raw floor's.
     */
    List<String> CODECS = List.of("synth-lm", "openai-java", "langchain4j", "raw-jdk");

    /**
     * Not a client: bare sockets ({@link SocketFloor}), the machine's own floor for the in-flight scenario over
     * plain http, which runs there only, as the last row of its table. No peer either: the bars name its figure,
     * never compare with it.
     */
    String SOCKETS = "sockets";

    /**
     * Not a peer: synth-lm's Router over one deployment, run over plain http in the latency and throughput scenarios
     * only, to show what routing adds to a call of the bare provider (row synth-lm).
     */
    String ROUTER = "synth-lm-router";

    /** The scenarios the router row runs in (over plain http). */
    List<String> ROUTED = List.of("latency", "throughput_sync", "throughput_async");

    /**
     * Not a peer: synth-lm's provider of row synth-lm with the OpenTelemetry module on over an SDK that exports
     * nowhere ({@link OtelClient}), run over plain http in the throughput scenarios (c=64), to show what the listener
     * path costs.
     */
    String OTEL = "synth-lm-otel";

    /** The scenarios the OpenTelemetry row runs in (over plain http). */
    List<String> TRACED = List.of("throughput_sync", "throughput_async");

    /**
     * Not a peer: the router row with its state in Redis ({@code RedisState} against the run's own redis-server on
     * loopback), run over plain http in the latency scenario only: what sharing the state adds to a routed call.
     */
    String REDIS_ROUTER = "synth-lm-router-redis";

    /** The scenarios the Redis router row runs in (over plain http). */
    List<String> REDIS_ROUTED = List.of("latency");

    /** The system property that tells a child JVM where the run's redis-server is. */
    String REDIS_URL_PROPERTY = "synth.bench.redis";

    /**
     * Every row of the report: the clients, the routers, the OpenTelemetry row, the batch runner, then the
     * bare-sockets floor.
     */
    List<String> ROWS = Stream.concat(NAMES.stream(), Stream.of(ROUTER, REDIS_ROUTER, OTEL, BatchLoad.RUNNER,
            SOCKETS)).toList();

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
            case "synth-lm" -> SynthLmClient.asItComes(baseUrl);
            case "synth-lm-jdk" -> SynthLmClient.jdkTransport(baseUrl);
            case "openai-java" -> new OpenAiJavaClient(baseUrl);
            case "langchain4j" -> new LangChain4jClient(baseUrl);
            case "jetty" -> new JettyClient(baseUrl);
            case "raw-jdk" -> new RawJdkClient(baseUrl);
            case ROUTER -> new RouterClient(baseUrl);
            case OTEL -> new OtelClient(baseUrl);
            case REDIS_ROUTER -> RouterClient.overRedis(baseUrl, System.getProperty(REDIS_URL_PROPERTY));
            default -> throw new IllegalArgumentException("unknown client " + name + "; one of " + NAMES);
        };
    }

    /** How the report names a row: its name, except synth-lm over the JDK HttpClient and bare sockets, which say so. */
    static String label(String name) {
        return switch (name) {
            case "synth-lm-jdk" -> "synth-lm (JDK HttpClient)";
            case "jetty" -> "Jetty HttpClient (reference)";
            case ROUTER -> "synth-lm Router (one deployment)";
            case BatchLoad.RUNNER -> "synth-lm BatchRunner";
            case OTEL -> "synth-lm + OpenTelemetry (SDK on, exporting nowhere)";
            case REDIS_ROUTER -> "synth-lm Router (one deployment, state in Redis)";
            case SOCKETS -> "bare sockets (no client: one selector thread, one POST per fresh connection, no JSON)";
            default -> name;
        };
    }
}
