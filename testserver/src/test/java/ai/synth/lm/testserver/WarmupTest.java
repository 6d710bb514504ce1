package ai.synth.lm.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WarmupTest {

    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";

    private final LocalBackend backend = LocalBackend.builder().warmAfterPolls(3)
            .coldStart(java.time.Duration.ofHours(1)).build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private String status(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return TestClient.parse(response.body()).get("status").asText();
    }

    private String start() throws Exception {
        return status(client.post("/warmup/" + MODEL, ""));
    }

    private String poll() throws Exception {
        return status(client.get("/warmup/status/" + MODEL));
    }

    @Test
    void reportsAModelColdUntilAWarmupStarts() throws Exception {
        assertThat(poll()).isEqualTo("cold");
        assertThat(poll()).isEqualTo("cold");
        assertThat(backend.isWarm(MODEL)).isFalse();
    }

    @Test
    void warmsOnTheNthStatusPollAfterTheStart() throws Exception {
        assertThat(start()).isEqualTo("warming");
        assertThat(start()).isEqualTo("already_warming");
        assertThat(poll()).isEqualTo("warming");
        assertThat(poll()).isEqualTo("warming");
        assertThat(backend.isWarm(MODEL)).isFalse();
        assertThat(poll()).isEqualTo("warmed");
        assertThat(backend.isWarm(MODEL)).isTrue();
        assertThat(start()).isEqualTo("already_warmed");
        assertThat(backend.requestCount("/warmup/status/")).isEqualTo(3);
    }

    @Test
    void decodesAnEncodedModelName() throws Exception {
        assertThat(status(client.post("/warmup/Qwen%2FQwen2.5-7B-Instruct", ""))).isEqualTo("warming");

        assertThat(start()).isEqualTo("already_warming");
        assertThat(backend.requests().get(0).path()).isEqualTo("/warmup/Qwen%2FQwen2.5-7B-Instruct");
        assertThat(backend.requestCount("/warmup/Qwen/")).isEqualTo(2);
    }

    @Test
    void recordsTheGpuPreferenceHeader() throws Exception {
        client.send(client.request("/warmup/" + MODEL, "X-GPU-Preference", "A100")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(backend.lastRequest().header("x-gpu-preference")).isEqualTo("A100");
        assertThat(backend.lastRequest().method()).isEqualTo("POST");
    }

    @Test
    void reportsAFailedWarmupWithItsError() throws Exception {
        backend.failWarmup(MODEL, "out of GPUs");

        assertThat(start()).isEqualTo("warming");
        HttpResponse<String> response = client.get("/warmup/status/" + MODEL);

        assertThat(TestClient.parse(response.body()))
                .isEqualTo(TestClient.parse("{\"status\":\"failed\",\"error\":\"out of GPUs\"}"));
        assertThat(backend.isWarm(MODEL)).isFalse();
    }

    @Test
    void setWarmOverridesTheStateAndClearsAFailure() throws Exception {
        backend.failWarmup(MODEL, "out of GPUs");

        backend.setWarm(MODEL, true);
        assertThat(start()).isEqualTo("already_warmed");
        backend.setWarm(MODEL, false);

        assertThat(poll()).isEqualTo("cold");
    }

    @Test
    void warmsAColdModelOnAChatRequestWithoutWaitingWhenWarmingByPolls() throws Exception {
        client.chat(TestClient.chatBody(MODEL, TestClient.user("Hi")));

        assertThat(poll()).isEqualTo("warmed");
    }

    @Test
    void warmsAfterTheColdStartWhenNotWarmingByPolls() throws Exception {
        try (LocalBackend instant = LocalBackend.builder().build().start()) {
            TestClient instantClient = new TestClient(instant);
            assertThat(status(instantClient.post("/warmup/" + MODEL, ""))).isEqualTo("warming");

            assertThat(status(instantClient.get("/warmup/status/" + MODEL))).isEqualTo("warmed");
        }
    }

    @Test
    void staysWarmingDuringTheColdStart() throws Exception {
        try (LocalBackend slow = LocalBackend.builder().coldStart(java.time.Duration.ofHours(1)).build().start()) {
            TestClient slowClient = new TestClient(slow);
            status(slowClient.post("/warmup/" + MODEL, ""));

            assertThat(status(slowClient.get("/warmup/status/" + MODEL))).isEqualTo("warming");
            assertThat(status(slowClient.get("/warmup/status/" + MODEL))).isEqualTo("warming");
        }
    }
}
