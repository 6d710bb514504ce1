package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's answers to {@code response_format}: documents that conform to the schema, filled from the words. */
class ResponseFormatTest {

    private static final Map<String, Object> WEATHER = Map.of("type", "object",
            "properties", Map.of(
                    "city", Map.of("type", "string"),
                    "temperature_c", Map.of("type", "integer"),
                    "sky", Map.of("type", "string", "enum", List.of("clear", "rain")),
                    "alerts", Map.of("type", "array", "items", Map.of("type", "string")),
                    "wind", Map.of("anyOf", List.of(Map.of("type", "object",
                            "properties", Map.of("speed", Map.of("type", "number")), "required", List.of("speed"),
                            "additionalProperties", false), Map.of("type", "null"))),
                    "note", Map.of("type", List.of("string", "null"))),
            "required", List.of("city", "temperature_c", "sky", "alerts", "wind", "note"),
            "additionalProperties", false);

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private static Map<String, Object> asking(Object format) {
        return with(chatBody("m", user("Weather in Lyon? 18 degrees.")), "response_format", format);
    }

    @Test
    void answersAJsonSchemaWithAConformingDocumentFilledFromTheUsersWords() throws Exception {
        JsonNode json = client.chat(asking(Map.of("type", "json_schema",
                "json_schema", Map.of("name", "weather", "schema", WEATHER, "strict", true))));

        JsonNode document = TestClient.parse(json.at("/choices/0/message/content").asText());
        assertThat(document).isEqualTo(TestClient.parse("{\"city\":\"Lyon\",\"temperature_c\":18,\"sky\":\"clear\","
                + "\"alerts\":[\"Weather in Lyon? 18 degrees.\"],\"wind\":{\"speed\":18},"
                + "\"note\":\"Weather in Lyon? 18 degrees.\"}"));
        assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(TestClient.MAPPER.valueToTree(WEATHER)).validate(document)).isEmpty();
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void answersJsonModeWithAnObjectThatSaysItIsSimulated() throws Exception {
        JsonNode json = client.chat(asking(Map.of("type", "json_object")));

        JsonNode document = TestClient.parse(json.at("/choices/0/message/content").asText());
        assertThat(document.get("simulated_reply").asText()).contains("not a model").contains("Lyon");
    }

    @Test
    void rejectsAnUnknownFormatTypeAndASchemaWithoutName() throws Exception {
        HttpResponse<String> unknown = client.post("/v1/chat/completions", asking(Map.of("type", "yaml")));
        HttpResponse<String> nameless = client.post("/v1/chat/completions",
                asking(Map.of("type", "json_schema", "json_schema", Map.of("schema", WEATHER))));

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(TestClient.parse(unknown.body()).at("/error/param").asText()).isEqualTo("response_format.type");
        assertThat(nameless.statusCode()).isEqualTo(400);
        assertThat(TestClient.parse(nameless.body()).at("/error/param").asText())
                .isEqualTo("response_format.json_schema.name");
    }
}
