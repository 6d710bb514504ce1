package ai.synth.lm.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.testserver.LocalBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis stops in the middle of a run and comes back: calls go on (fail-open), then state is shared again. */
@Timeout(120)
class RedisOutageTest {

    @Test
    void callsGoOnWhileRedisIsDownAndStateIsSharedAgainAfterItRestarts() throws Exception {
        try (RedisServer redis = RedisServer.start();
                LocalBackend backend = LocalBackend.builder().build().start();
                RedisState mine = state(redis);
                RedisState other = state(redis); // another JVM's view
                Router router = Router.builder().sharedState(mine).environment(Map.of())
                        .deployment(Deployment.builder("g", "synth", "m").id("d").baseUrl(backend.baseUrl())
                                .apiKey("k").rpm(100_000).tpm(10_000_000).build()).build()) {
            assertThat(mine.connect(Duration.ofSeconds(30))).isTrue();
            assertThat(other.connect(Duration.ofSeconds(30))).isTrue();
            ChatCompletionRequest request = ChatCompletionRequest.of("g", List.of(ChatMessage.user("hi")));
            router.createChatCompletion(request);

            redis.stop();
            for (int i = 0; i < 5; i++) {
                assertThat(router.createChatCompletion(request).choices()).isNotEmpty();
            }
            assertThat(mine.isRedisDown()).isTrue();

            redis.startAgain();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Instant probe = Instant.now().plusSeconds(30);
            while (other.cooldownEnd("probe", Instant.now()).isEmpty()) {
                mine.coolDown("probe", probe);
                assertThat(System.nanoTime()).as("state never shared again").isLessThan(end);
                Thread.sleep(50); // Lettuce reconnects in its own time
            }
            assertThat(router.createChatCompletion(request).choices()).isNotEmpty();
            assertThat(mine.isRedisDown()).isFalse();
            mine.coolDown("d", Instant.now().plusSeconds(30));
            assertThat(other.cooldownEnd("d", Instant.now())).isPresent();
        }
    }

    private static RedisState state(RedisServer redis) {
        return RedisState.builder().url(redis.url()).prefix("outage").timeout(Duration.ofMillis(500))
                .retryInterval(Duration.ofMillis(100)).build();
    }
}
