package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthAndModelsTest {

    private final LocalBackend backend = LocalBackend.builder().apiKey("secret")
            .models(List.of("Qwen/Qwen2.5-7B-Instruct", "gpt-4o-mini")).build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private static void assertInvalidApiKey(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = TestClient.parse(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("secret");
    }

    @Test
    void rejectsAChatRequestWithoutAKey() throws Exception {
        assertInvalidApiKey(client.post("/v1/chat/completions", chatBody("m", user("Hi"))));
    }

    @Test
    void rejectsAWrongKeyOnEveryEndpoint() throws Exception {
        String[] wrong = {"Authorization", "Bearer not-the-secret"};

        assertInvalidApiKey(client.post("/v1/chat/completions", chatBody("m", user("Hi")), wrong));
        assertInvalidApiKey(client.get("/v1/models", wrong));
        assertInvalidApiKey(client.post("/warmup/m", "", wrong));
        assertInvalidApiKey(client.get("/warmup/status/m", wrong));
        assertThat(backend.isWarm("m")).isFalse();
    }

    @Test
    void answersARequestWithTheRightKey() throws Exception {
        HttpResponse<String> response = client.post("/v1/chat/completions", chatBody("m", user("Hi")),
                "Authorization", "Bearer secret");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(backend.lastRequest().header("Authorization")).isEqualTo("Bearer secret");
    }

    @Test
    void listsTheConfiguredModels() throws Exception {
        HttpResponse<String> response = client.get("/v1/models", "Authorization", "Bearer secret");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = TestClient.parse(response.body());
        assertThat(json.get("object").asText()).isEqualTo("list");
        assertThat(json.get("data")).hasSize(2);
        JsonNode first = json.get("data").get(0);
        assertThat(first.get("id").asText()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
        assertThat(first.get("object").asText()).isEqualTo("model");
        assertThat(first.get("created").isIntegralNumber()).isTrue();
        assertThat(first.get("owned_by").asText()).isEqualTo("synth-lm-local");
        assertThat(json.at("/data/1/id").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void listsModelsWithoutTheV1PrefixToo() throws Exception {
        HttpResponse<String> response = client.get("/models", "Authorization", "Bearer secret");

        assertThat(TestClient.parse(response.body()).get("data")).hasSize(2);
    }

    @Test
    void answersAnUnknownPathWith404InOpenAiShape() throws Exception {
        HttpResponse<String> response = client.get("/v1/embeddings", "Authorization", "Bearer secret");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = TestClient.parse(response.body()).get("error");
        assertThat(error.get("message").asText()).contains("/v1/embeddings");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void answersTheWrongMethodWith405() throws Exception {
        HttpResponse<String> response = client.get("/v1/chat/completions", "Authorization", "Bearer secret");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
        assertThat(TestClient.parse(response.body()).at("/error/message").asText()).contains("use POST");
    }

    @Test
    void acceptsAnyModelNameInRequests() throws Exception {
        HttpResponse<String> response = client.post("/v1/chat/completions",
                Map.of("model", "not-listed", "messages", List.of(user("Hi"))), "Authorization", "Bearer secret");

        assertThat(TestClient.parse(response.body()).get("model").asText()).isEqualTo("not-listed");
    }
}
