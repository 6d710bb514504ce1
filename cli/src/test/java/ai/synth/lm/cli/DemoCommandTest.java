package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void toursEverySectionAgainstTheSimulatorAndExits0() {
        // The demo ignores the environment; its only real waits are the 1.5 s cold start and two retry waits.
        Run run = Run.of(Map.of("SYNTH_BASE_URL", "http://127.0.0.1:1"), "demo");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("simulator")
                .contains("1. Warmup", "2. Chat completion", "3. Streaming", "4. Provider switching", "5. Tool call",
                        "6. Retries", "7. Many deployments", "8. Typed errors")
                .containsPattern("\\d+ chunks in \\d+ ms; accumulated: finish_reason stop")
                .contains("Qwen/Qwen2.5-7B-Instruct is warm: warmed after")
                .contains("comes from the cache: CACHED", "0 requests to the backend")
                .contains("usage: ")
                .contains("synth  (", "openai (gpt-4o-mini)")
                .contains("tool call: get_weather({\"city\":\"Paris\"})", "the get_weather tool returned")
                .contains("retrying in 1000 ms", "the backend saw 3 attempts")
                .contains("replica-a saw 1 request (a 503", "Every call succeeded")
                .contains("fell back at once to model group 'backup' (1 request)")
                .contains("AuthenticationException (HTTP 401", "ConfigurationException")
                .contains("synth-lm chat")
                .doesNotContain("\r")
                .doesNotContain("demo-key");
        assertThat(run.err()).isEmpty();
    }
}
