package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the backend's JSON against OpenAI's published spec; skipped unless {@code -Dopenai.spec} names it. */
class SpecConformanceTest {

    private static SpecSchemas spec;
    private static LocalBackend backend;
    private static TestClient client;

    @BeforeAll
    static void loadSpec() throws Exception {
        String path = System.getProperty("openai.spec", "");
        Assumptions.assumeTrue(!path.isBlank() && Files.isRegularFile(Path.of(path)),
                "set -Dopenai.spec to OpenAI's openapi.yaml to run the spec conformance tests");
        spec = SpecSchemas.load(Path.of(path));
        backend = LocalBackend.builder().apiKey("k").models(List.of("gpt-4o-mini")).build().start();
        client = new TestClient(backend);
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private static final Map<String, Object> TOOL_BODY = with(chatBody("m", user("What's the weather in Paris?")),
            "tools", List.of(TestClient.weatherTool()));

    private static JsonNode post(Object body) throws Exception {
        return TestClient.parse(client.post("/v1/chat/completions", body, "Authorization", "Bearer k").body());
    }

    private static void assertConforms(String schema, JsonNode value) {
        assertThat(spec.violations(schema, value)).as("%s as %s", value, schema).isEmpty();
    }

    @Test
    void textToolAndLengthAnswersMatchCreateChatCompletionResponse() throws Exception {
        assertConforms("CreateChatCompletionResponse", post(with(chatBody("m", user("Hi")), "n", 2)));
        assertConforms("CreateChatCompletionResponse", post(TOOL_BODY));
        assertConforms("CreateChatCompletionResponse", post(with(chatBody("m", user("Hi")), "max_tokens", 1)));
    }

    @Test
    void everyStreamChunkMatchesCreateChatCompletionStreamResponse() throws Exception {
        Map<String, Object> usage = Map.of("include_usage", true);
        for (Map<String, Object> body : List.of(chatBody("m", user("Hi")), TOOL_BODY)) {
            String stream = client.post("/v1/chat/completions", with(body, "stream", true, "stream_options", usage),
                    "Authorization", "Bearer k").body();
            List<String> data = TestClient.dataLines(stream);
            for (String chunk : data.subList(0, data.size() - 1)) {
                assertConforms("CreateChatCompletionStreamResponse", TestClient.parse(chunk));
            }
        }
    }

    @Test
    void modelListMatchesListModelsResponse() throws Exception {
        assertConforms("ListModelsResponse",
                TestClient.parse(client.get("/v1/models", "Authorization", "Bearer k").body()));
    }

    @Test
    void errorsMatchErrorResponse() throws Exception {
        backend.enqueue(Fault.rateLimited());
        assertConforms("ErrorResponse", post(chatBody("m", user("Hi"))));
        assertConforms("ErrorResponse", post(Map.of("model", "m")));
        assertConforms("ErrorResponse", TestClient.parse(client.get("/v1/models").body()));
        assertConforms("ErrorResponse", TestClient.parse(client.get("/nope", "Authorization", "Bearer k").body()));
    }

    @Test
    void theCheckerCatchesAWrongShape() {
        JsonNode wrong = TestClient.parse("{\"id\":\"x\",\"object\":\"chat.completions\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reasons\":\"stop\"}]}");

        assertThat(spec.violations("CreateChatCompletionResponse", wrong)).containsExactlyInAnyOrder(
                "CreateChatCompletionResponse.object: \"chat.completions\" is not one of [\"chat.completion\"]",
                "CreateChatCompletionResponse.choices[0]: missing required property 'finish_reason'",
                "CreateChatCompletionResponse.choices[0]: property 'finish_reasons' is not in the schema");
    }
}
