package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.redis.RedisState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * synth-lm's {@link Router} over one deployment (an OpenAI provider on the same base URL, library defaults): the
 * router's own cost per call (pick, lease, state updates, retry loop) over the bare provider of row synth-lm; and
 * the same router with its state in Redis, whose cost over the in-memory row is what sharing the state adds.
 */
final class RouterClient implements BenchClient {

    static final String GROUP = "bench";

    private final Router router;
    private final RedisState redis;
    private final AtomicLong calls = new AtomicLong();
    /** The commands sent to Redis by the end of the first call, which loads the scripts. */
    private volatile long commandsAfterFirst = -1;

    RouterClient(String baseUrl) {
        this(baseUrl, null);
    }

    private RouterClient(String baseUrl, RedisState redis) {
        this.redis = redis;
        var builder = Router.builder().environment(Map.of())
                .deployment(Deployment.builder(GROUP, "openai", Fixtures.MODEL).id("nginx").baseUrl(baseUrl)
                        .apiKey("bench-key").build());
        router = (redis == null ? builder : builder.sharedState(redis)).build();
    }

    /** The router with its state in the Redis at {@code redisUrl} (library defaults, under a prefix of its own). */
    static RouterClient overRedis(String baseUrl, String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            throw new IllegalStateException("row " + REDIS_ROUTER + " needs -D" + REDIS_URL_PROPERTY + "=redis://..."
                    + " (bench/run starts a redis-server and passes it)");
        }
        RedisState state = RedisState.builder().url(redisUrl).prefix("bench-" + ProcessHandle.current().pid())
                .build();
        if (!state.connect(Duration.ofSeconds(30))) {
            throw new IllegalStateException("no answer from Redis at " + redisUrl + " within 30 s");
        }
        return new RouterClient(baseUrl, state);
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder().model(GROUP)
                .messages(List.of(ChatMessage.user(Fixtures.PROMPT))).build();
    }

    @Override
    public int call() {
        int length = SynthLmClient.call(router, request());
        if (redis != null && calls.incrementAndGet() == 1) {
            commandsAfterFirst = redis.commandsSent();
        }
        return length;
    }

    /**
     * The Redis commands (each one round trip) per call after the first (which loads the scripts into Redis), or
     * NaN for the in-memory router or before two calls.
     */
    double redisRoundTripsPerCall() {
        long n = calls.get() - 1;
        return redis == null || n <= 0 ? Double.NaN : (redis.commandsSent() - commandsAfterFirst) / (double) n;
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
        return redis == null
                ? "Router over one deployment (simple-shuffle, in-memory state, no limits): createChatCompletion on the"
                        + " caller's thread in the sync scenarios, createChatCompletionAsync in the async one; the"
                        + " deployment's provider as synth-lm's row"
                : "as the Router row, with RedisState (library defaults: Lettuce, one connection, 250 ms timeout,"
                        + " fail-open) against a redis-server on loopback";
    }

    @Override
    public void close() {
        router.close();
        if (redis != null) {
            redis.close();
        }
    }
}
