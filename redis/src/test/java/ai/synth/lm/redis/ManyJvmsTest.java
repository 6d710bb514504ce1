package ai.synth.lm.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
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
     * The window is scaled down to keep CI short: 8 s stands for a minute, so the limit of 80 requests per window
     * is rpm 600, and the burst is one sixtieth of the window (133 ms), as the default 1 s is of a minute. The
     * children call from before the window opens until after it closes; the backend's count is read at both ends.
     */
    @Test
    void eightJvmsUnderOneRpmStayWithinTheLimitAndUseMostOfIt() throws Exception {
        int perWindow = 80;
        long windowMillis = 8_000;
        int rpm = (int) (perWindow * 60_000 / windowMillis);
        try (LocalBackend backend = LocalBackend.builder().build().start();
                Jvms jvms = Jvms.start(8, "rpm", redis.url(), backend.baseUrl(), "rpm8", String.valueOf(rpm), "1",
                        String.valueOf(windowMillis / 60))) {
            long start = System.currentTimeMillis() + 1_000;
            jvms.go(start + " " + (windowMillis + 2_000));
            Thread.sleep(start + 1_000 - System.currentTimeMillis()); // every child is calling by then
            long before = chatCalls(backend);
            Thread.sleep(windowMillis); // the window under test, in real time across processes
            long seen = chatCalls(backend) - before;
            System.out.println("ManyJvmsTest: the backend saw " + seen + " calls in the window (limit " + perWindow + ")");
            for (int i = 0; i < 8; i++) {
                assertThat(jvms.next(i, 120)).startsWith("done ");
            }
            assertThat(seen).isLessThanOrEqualTo((long) (perWindow * 1.02)).isGreaterThanOrEqualTo(
                    (long) (perWindow * 0.95));
        }
    }

    @Test
    void aDeploymentCooledByOneJvmIsSkippedByTheOthersWithin100Ms() throws Exception {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                Jvms jvms = Jvms.start(3, "route", redis.url(), backend.baseUrl(), "cool3");
                RedisState mine = RedisState.builder().url(redis.url()).prefix("cool3").build()) {
            assertThat(mine.connect(Duration.ofSeconds(30))).isTrue();
            jvms.go("now");
            awaitRequestsTo(backend, "m-x", 5);
            mine.coolDown("x", Instant.now().plusSeconds(30));
            Thread.sleep(100); // the bound under test, in real time across processes
            long mark = lastSequence(backend);
            awaitRequestsAfter(backend, mark, 60); // the other JVMs go on calling
            List<RecordedRequest> later = backend.requests().stream().filter(r -> r.sequence() > mark).toList();
            // Each child calls from one thread, so at most one call per child chose x before the mark and reached
            // the backend after it; any other call to x would have been chosen more than 100 ms after the cooldown.
            assertThat(later.stream().filter(r -> r.body().contains("\"m-x\""))).hasSizeLessThanOrEqualTo(3);
            assertThat(later.subList(later.size() - 50, later.size()))
                    .allSatisfy(r -> assertThat(r.body()).contains("\"m-y\""));
            jvms.go("stop");
        }
    }

    @Test
    void aJvmKilledMidCallStopsCountingWhenItsLeaseExpires() throws Exception {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                Jvms jvms = Jvms.start(1, "hold", redis.url(), backend.baseUrl(), "kill1", "1000");
                RedisState mine = RedisState.builder().url(redis.url()).prefix("kill1").build()) {
            assertThat(mine.connect(Duration.ofSeconds(30))).isTrue();
            backend.enqueue(Fault.slowHeaders(Duration.ofSeconds(60)));
            jvms.go("now");
            assertThat(jvms.next(0, 30)).isEqualTo("calling");
            awaitInFlight(mine, 1, Duration.ofSeconds(10));
            Thread.sleep(1_500); // past one lease time: the living JVM extends its lease
            assertThat(mine.inFlight("held")).isEqualTo(1);
            jvms.process(0).destroyForcibly(); // SIGKILL: no release, no shutdown hook
            jvms.process(0).waitFor();
            assertThat(mine.inFlight("held")).isEqualTo(1);
            long killed = System.nanoTime();
            awaitInFlight(mine, 0, Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofMillis(1_500));
        }
    }

    private static long chatCalls(LocalBackend backend) {
        return backend.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
    }

    private static void awaitInFlight(RedisState s, int n, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (s.inFlight("held") != n) {
            assertThat(System.nanoTime()).as("in flight never became " + n).isLessThan(end);
            Thread.sleep(20); // another process's lease: polled, nothing to be notified by
        }
    }

    private static void awaitRequestsTo(LocalBackend backend, String model, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (backend.requests().stream().filter(r -> r.body().contains("\"" + model + "\"")).count() < n) {
            assertThat(System.nanoTime()).as("no calls to " + model).isLessThan(end);
            Thread.sleep(10);
        }
    }

    private static void awaitRequestsAfter(LocalBackend backend, long mark, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (backend.requests().stream().filter(r -> r.sequence() > mark).count() < n) {
            assertThat(System.nanoTime()).as("calls stopped").isLessThan(end);
            Thread.sleep(10);
        }
    }

    private static long lastSequence(LocalBackend backend) {
        return backend.requests().stream().mapToLong(RecordedRequest::sequence).max().orElse(0);
    }
}
