package ai.synth.lm.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Separate JVM processes (not threads) sharing one real redis-server and one local backend: what the backend
 * sees is what many replicas of a service would send.
 */
@Timeout(400)
class ManyJvmsTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void eightJvmsWarmingOneColdModelSendOneStartRequest() throws Exception {
        try (LocalBackend backend = LocalBackend.builder().warmAfterPolls(5).build().start();
                Jvms jvms = Jvms.start(8, "warm", redis.url(), backend.baseUrl(), "warm8", "cold-model")) {
            jvms.go("now");
            for (int i = 0; i < 8; i++) {
                assertThat(jvms.next(i, 120)).isIn("outcome WARMED", "outcome CACHED");
            }
            assertThat(backend.requests().stream().filter(r -> r.method().equals("POST")
                    && r.path().contains("/warmup/"))).hasSize(1);
        }
    }

    /**
     * Thirty seconds stand for a minute, so the limit of 300 requests per window is rpm 600. The burst is 1 % of the
     * window (300 ms, 3 requests): a refill is kept for 200 ms while every caller of a loaded machine waits for the
     * CPU, not lost, and the other 1 % of the bound covers calls decided before the window opened that reach the
     * backend after it did. The children call from before the window opens until after it closes; the backend stamps
     * each request as it arrives (the wall clock the children share), so a slow test thread cannot stretch the
     * window. Two threads per child: the earliest of sixteen waiters claims a refill.
     */
    @Test
    void eightJvmsUnderOneRpmStayWithinTheLimitAndUseMostOfIt() throws Exception {
        int perWindow = 300;
        long windowMillis = 30_000;
        int rpm = (int) (perWindow * 60_000 / windowMillis);
        try (StampingBackend backend = StampingBackend.start();
                Jvms jvms = Jvms.start(8, "rpm", redis.url(), backend.baseUrl(), "rpm8", String.valueOf(rpm), "2",
                        String.valueOf(windowMillis / 100))) {
            long start = System.currentTimeMillis() + 2_000; // the go lines reach every child before it
            jvms.go(start + " " + (windowMillis + 2_000));
            for (int i = 0; i < 8; i++) {
                assertThat(jvms.next(i, 120)).startsWith("done ");
            }
            long from = start + 1_000; // a second after the start: every child is calling
            long seen = backend.arrivals().stream().filter(a -> a.atMillis() >= from
                    && a.atMillis() < from + windowMillis).count();
            System.out.println("ManyJvmsTest: the backend saw " + seen + " calls in the window (limit " + perWindow + ")");
            assertThat(seen).isLessThanOrEqualTo((long) (perWindow * 1.02)).isGreaterThanOrEqualTo(
                    (long) (perWindow * 0.95));
        }
    }

    /**
     * Each routing decision reads the cooldowns from Redis, so once one JVM's cooldown is written, no decision of
     * another picks the deployment (well within 100 ms): only a call each child had chosen before may still arrive.
     */
    @Test
    void aDeploymentCooledByOneJvmIsSkippedByTheOthersWithin100Ms() throws Exception {
        try (StampingBackend backend = StampingBackend.start();
                Jvms jvms = Jvms.start(3, "route", redis.url(), backend.baseUrl(), "cool3");
                RedisState mine = RedisState.builder().url(redis.url()).prefix("cool3").build()) {
            assertThat(mine.connect(Duration.ofSeconds(30))).isTrue();
            jvms.go("now");
            backend.await(a -> a.model().equals("m-x"), 5, Duration.ofSeconds(60));
            mine.coolDown("x", Instant.now().plusSeconds(30));
            int mark = backend.arrivals().size();
            List<StampingBackend.Arrival> later = backend.await(a -> true, mark + 60, Duration.ofSeconds(60))
                    .subList(mark, mark + 60); // the other JVMs go on calling
            // Each child calls from one thread, so at most one call per child chose x before the cooldown was
            // written and reached the backend after it.
            assertThat(later.stream().filter(a -> a.model().equals("m-x"))).hasSizeLessThanOrEqualTo(3);
            assertThat(later.subList(10, 60)).allSatisfy(a -> assertThat(a.model()).isEqualTo("m-y"));
            jvms.go("stop");
        }
    }

    /**
     * The lease of a call in flight is a member of a sorted set scored by its expiry, which the living JVM extends
     * (every third of the 3 s lease time); killed, it stops extending, and the call stops counting at that expiry.
     */
    @Test
    void aJvmKilledMidCallStopsCountingWhenItsLeaseExpires() throws Exception {
        long leaseMillis = 3_000;
        try (LocalBackend backend = LocalBackend.builder().build().start();
                Jvms jvms = Jvms.start(1, "hold", redis.url(), backend.baseUrl(), "kill1", String.valueOf(leaseMillis));
                RedisState mine = RedisState.builder().url(redis.url()).prefix("kill1").build();
                RedisClient admin = RedisClient.create(redis.url());
                StatefulRedisConnection<String, String> connection = admin.connect()) {
            assertThat(mine.connect(Duration.ofSeconds(30))).isTrue();
            var redisCommands = connection.sync();
            String leases = "kill1:{kill1}:held:inflight";
            backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(600)));
            jvms.go("now");
            assertThat(jvms.next(0, 60)).isEqualTo("calling"); // the lease is taken before the call is sent
            assertThat(mine.inFlight("held")).isEqualTo(1);
            double firstExpiry = redisCommands.zrangeWithScores(leases, 0, 0).get(0).getScore();
            awaitRedisTime(redisCommands, (long) firstExpiry + 1, Duration.ofSeconds(60));
            assertThat(mine.inFlight("held")).as("counted past its first expiry: the living JVM extends it")
                    .isEqualTo(1);
            jvms.process(0).destroyForcibly(); // SIGKILL: no release, no shutdown hook
            jvms.process(0).waitFor();
            long killedAt = redisTime(redisCommands);
            double expiry = redisCommands.zrangeWithScores(leases, 0, 0).get(0).getScore();
            assertThat(mine.inFlight("held")).isEqualTo(1);
            assertThat((long) expiry - killedAt).as("the lease ends within one lease time of the kill")
                    .isBetween(0L, leaseMillis);
            awaitRedisTime(redisCommands, (long) expiry + 1, Duration.ofSeconds(60));
            assertThat(mine.inFlight("held")).isZero();
        }
    }

    private static long redisTime(RedisCommands<String, String> c) {
        List<String> t = c.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    /** Waits until Redis's clock reads {@code millis}: the time a lease runs is the thing under test. */
    private static void awaitRedisTime(RedisCommands<String, String> c, long millis, Duration within)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        long now;
        while ((now = redisTime(c)) < millis) {
            assertThat(System.nanoTime()).as("Redis's clock never reached " + millis).isLessThan(end);
            Thread.sleep(Math.min(200, millis - now)); // nothing to be notified by: Redis's own clock
        }
    }
}
