package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks every kind of JSON the backend emits against OpenAI's published spec with a JSON Schema validator.
 * Skipped unless {@code -Dopenai.spec} names the spec (failed instead under {@code CI=true}); see {@link OpenAISpec}.
 */
class SpecConformanceTest {

    private static final String RESPONSE = "CreateChatCompletionResponse";
    private static final String CHUNK = "CreateChatCompletionStreamResponse";
    private static final Map<String, Object> TEXT = chatBody("gpt-4o-mini", user("Hi"));
    private static final Map<String, Object> TOOL = with(chatBody("gpt-4o-mini",
            user("What's the weather in Paris?")), "tools", List.of(TestClient.weatherTool()));

    private static OpenAISpec spec;
    private static LocalBackend backend;
    private static TestClient client;

    @BeforeAll
    static void start() {
        backend = LocalBackend.builder().apiKey("k").models(List.of("gpt-4o-mini")).build().start();
        client = new TestClient(backend);
    }

    /** Per test, so that each one reports as skipped (with the reason) when there is no spec; loaded only once. */
    @BeforeEach
    void loadSpec() {
        spec = OpenAISpec.fromSystemProperty();
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void textReplyIsACreateChatCompletionResponse() throws Exception {
        JsonNode reply = chat(TEXT);

        assertThat(reply.at("/choices/0/message/content").isTextual()).as("%s", reply).isTrue();
        assertConforms(RESPONSE, reply);
    }

    @Test
    void toolCallReplyIsACreateChatCompletionResponse() throws Exception {
        JsonNode reply = chat(TOOL);

        assertThat(reply.at("/choices/0/finish_reason").asText()).as("%s", reply).isEqualTo("tool_calls");
        assertConforms(RESPONSE, reply);
    }

    @Test
    void truncatedReplyIsACreateChatCompletionResponse() throws Exception {
        JsonNode reply = chat(with(TEXT, "max_tokens", 1));

        assertThat(reply.at("/choices/0/finish_reason").asText()).as("%s", reply).isEqualTo("length");
        assertConforms(RESPONSE, reply);
    }

    @Test
    void twoChoicesAreACreateChatCompletionResponse() throws Exception {
        JsonNode reply = chat(with(TEXT, "n", 2));

        assertThat(reply.get("choices")).as("%s", reply).hasSize(2);
        assertConforms(RESPONSE, reply);
    }

    @Test
    void everyChunkOfATextStreamIsACreateChatCompletionStreamResponse() throws Exception {
        List<JsonNode> chunks = stream(TEXT);

        assertThat(chunks).hasSizeGreaterThan(1);
        chunks.forEach(chunk -> assertConforms(CHUNK, chunk));
    }

    @Test
    void everyChunkOfAToolCallStreamIsACreateChatCompletionStreamResponse() throws Exception {
        List<JsonNode> chunks = stream(TOOL);

        assertThat(chunks).anySatisfy(c -> assertThat(c.at("/choices/0/delta/tool_calls").isArray()).isTrue());
        chunks.forEach(chunk -> assertConforms(CHUNK, chunk));
    }

    @Test
    void includeUsageFinalChunkIsACreateChatCompletionStreamResponse() throws Exception {
        for (Map<String, Object> body : List.of(TEXT, TOOL)) {
            List<JsonNode> chunks = stream(with(body, "stream_options", Map.of("include_usage", true)));
            JsonNode last = chunks.get(chunks.size() - 1);

            assertThat(last.get("usage").isObject()).as("%s", last).isTrue();
            assertThat(last.get("choices")).as("%s", last).isEmpty();
            chunks.forEach(chunk -> assertConforms(CHUNK, chunk));
        }
    }

    @Test
    void modelListIsAListModelsResponse() throws Exception {
        HttpResponse<String> models = client.get("/v1/models", "Authorization", "Bearer k");

        assertThat(models.statusCode()).isEqualTo(200);
        assertConforms("ListModelsResponse", TestClient.parse(models.body()));
    }

    @Test
    void errorBodiesAreErrorResponses() throws Exception {
        backend.enqueue(Fault.rateLimited());
        backend.enqueue(Fault.status(503));
        List<HttpResponse<String>> errors = List.of(
                post(TEXT),                                            // 429, scripted
                post(TEXT),                                            // 503, scripted
                post(Map.of("model", "gpt-4o-mini")),                  // 400, no messages
                client.post("/v1/chat/completions", TEXT),             // 401, no key
                client.get("/nope", "Authorization", "Bearer k"));     // 404

        assertThat(errors).extracting(HttpResponse::statusCode).containsExactly(429, 503, 400, 401, 404);
        errors.forEach(error -> assertConforms("ErrorResponse", TestClient.parse(error.body())));
    }

    @Test
    void streamErrorEventIsAnErrorResponse() throws Exception {
        backend.enqueue(Fault.streamErrorEvent("overloaded"));
        String events = post(with(TEXT, "stream", true)).body();

        List<String> data = TestClient.dataLines(events);
        assertThat(events).contains("event: error");
        assertConforms("ErrorResponse", TestClient.parse(data.get(data.size() - 1)));
    }

    @Test
    void validatorRejectsAResponseWithoutChoices() {
        JsonNode reply = TestClient.parse(
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\"}");

        assertThat(spec.violations(RESPONSE, reply)).containsExactly("$: required property 'choices' not found");
    }

    @Test
    void validatorRejectsWrongTypesEnumsAndNulls() {
        JsonNode reply = TestClient.parse("{\"id\":\"x\",\"object\":\"chat.completions\",\"created\":\"1\","
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}");

        assertThat(spec.violations(RESPONSE, reply)).containsExactlyInAnyOrder(
                "$.object: does not have a value in the enumeration [\"chat.completion\"]",
                "$.created: string found, integer expected",
                "$.choices[0].finish_reason: null found, string expected",
                "$.choices[0].finish_reason: does not have a value in the enumeration "
                        + "[\"stop\", \"length\", \"tool_calls\", \"content_filter\", \"function_call\"]");
    }

    @Test
    void validatorRejectsAChunkWhoseDeltaIsNotAnObject() {
        JsonNode chunk = TestClient.parse("{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":\"Hi\",\"finish_reason\":null}]}");

        assertThat(spec.violations(CHUNK, chunk)).containsExactly("$.choices[0].delta: string found, object expected");
    }

    private static void assertConforms(String schema, JsonNode value) {
        assertThat(spec.violations(schema, value)).as("%s as %s", value, schema).isEmpty();
    }

    private static HttpResponse<String> post(Map<String, Object> body) throws Exception {
        return client.post("/v1/chat/completions", body, "Authorization", "Bearer k");
    }

    private static JsonNode chat(Map<String, Object> body) throws Exception {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestClient.parse(response.body());
    }

    /** The parsed chunks of a streamed reply; the stream must end with {@code [DONE]}, which is not a chunk. */
    private static List<JsonNode> stream(Map<String, Object> body) throws Exception {
        List<String> data = TestClient.dataLines(post(with(body, "stream", true)).body());
        assertThat(data).last().isEqualTo("[DONE]");
        return data.subList(0, data.size() - 1).stream().map(TestClient::parse).toList();
    }
}
