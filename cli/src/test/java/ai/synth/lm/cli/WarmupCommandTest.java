package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.LocalBackend;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WarmupCommandTest {

    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";

    private LocalBackend backend;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey("k").build().start();
        env = Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", "k");
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void warmModelExits0WithProgressLines() {
        Run run = Run.of(env, "warmup", MODEL, "--poll-interval", "0", "--gpu", "A100");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("starting", "warmed", MODEL + " is warm (warmed after 1 status checks")
                .doesNotContain("\r");
        assertThat(backend.requests().get(0).path()).isEqualTo("/warmup/" + MODEL);
        assertThat(backend.requests().get(0).header("X-GPU-Preference")).isEqualTo("A100");
        assertThat(backend.isWarm(MODEL)).isTrue();
    }

    @Test
    void secondWarmupComesFromTheCacheUnlessForced() {
        Run.of(env, "warmup", MODEL, "--poll-interval", "0");
        int before = backend.requests().size();

        Run cached = Run.of(env, "warmup", MODEL);
        assertThat(cached.out()).contains("no request made");
        assertThat(backend.requests()).hasSize(before);

        Run forced = Run.of(env, "warmup", MODEL, "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(forced.out()).contains("already warm");
        assertThat(backend.requests()).hasSize(before + 1);
    }

    @Test
    void failedWarmupExits1WithTheError() {
        backend.failWarmup(MODEL, "out of GPUs");

        Run run = Run.of(env, "warmup", MODEL, "--poll-interval", "0");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("synth-lm warmup: Warmup of " + MODEL + " failed").contains("out of GPUs");
    }

    @Test
    void modelStillColdAfterMaxAttemptsExits1() {
        LocalBackend slow = LocalBackend.builder().warmAfterPolls(5).build().start();
        try (slow) {
            Run run = Run.of(Map.of("SYNTH_BASE_URL", slow.baseUrl(), "SYNTH_API_KEY", "k"), "warmup", MODEL,
                    "--max-attempts", "2", "--poll-interval", "0");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString().contains("exhausted after 2 status checks");
            assertThat(slow.requestCount("/warmup/status/")).isEqualTo(2);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(Run.of(env, "warmup", MODEL, "--max-attempts", "0").exitCode()).isEqualTo(2);
        Run negative = Run.of(env, "warmup", MODEL, "--poll-interval", "-1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.errLines()).singleElement().asString().contains("--poll-interval must not be negative");
        assertThat(Run.of(env, "warmup").exitCode()).isEqualTo(2);
        assertThat(backend.requests()).isEmpty();
    }
}
