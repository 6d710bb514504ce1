package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatValidationTest {

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private JsonNode badRequest(Object body) throws Exception {
        HttpResponse<String> response = client.post("/v1/chat/completions", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        JsonNode error = TestClient.parse(response.body()).get("error");
        assertThat(error.fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        return error;
    }

    @Test
    void rejectsAMissingModelNamingTheField() throws Exception {
        JsonNode error = badRequest(Map.of("messages", List.of(user("Hi"))));

        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.get("message").asText()).contains("'model'");
    }

    @Test
    void rejectsAnEmptyModel() throws Exception {
        assertThat(badRequest(chatBody("", user("Hi"))).get("param").asText()).isEqualTo("model");
    }

    @Test
    void rejectsMissingMessages() throws Exception {
        JsonNode error = badRequest(Map.of("model", "m"));

        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("message").asText()).contains("'messages'");
    }

    @Test
    void rejectsEmptyMessages() throws Exception {
        JsonNode error = badRequest(Map.of("model", "m", "messages", List.of()));

        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("code").asText()).isEqualTo("empty_array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\": ", "not json", "[1, 2]", "{} trailing"})
    void rejectsABodyThatIsNotAJsonObject(String body) throws Exception {
        JsonNode error = badRequest(body);

        assertThat(error.get("param").isNull()).isTrue();
        assertThat(error.get("message").asText()).contains("JSON");
    }

    @Test
    void rejectsMaxTokensBelowOne() throws Exception {
        assertThat(badRequest(with(chatBody("m", user("Hi")), "max_tokens", 0)).get("param").asText())
                .isEqualTo("max_tokens");
    }

    @Test
    void rejectsToolChoiceNamingAnUnofferedFunction() throws Exception {
        Map<String, Object> body = with(chatBody("m", user("Hi")), "tools", List.of(TestClient.weatherTool()),
                "tool_choice", Map.of("type", "function", "function", Map.of("name", "nope")));

        assertThat(badRequest(body).get("message").asText()).contains("'nope'");
    }

    @Test
    void rejectsAMessageWithoutRole() throws Exception {
        JsonNode error = badRequest(chatBody("m", Map.of("content", "Hi")));

        assertThat(error.get("param").asText()).isEqualTo("messages[0].role");
    }
}
