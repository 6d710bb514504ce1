package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.dataLines;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingTest {

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private HttpResponse<String> stream(Map<String, Object> body) throws Exception {
        return client.post("/v1/chat/completions", with(body, "stream", true));
    }

    private static List<JsonNode> chunks(HttpResponse<String> response) {
        List<String> data = dataLines(response.body());
        assertThat(data).last().isEqualTo("[DONE]");
        return data.subList(0, data.size() - 1).stream().map(TestClient::parse).collect(Collectors.toList());
    }

    @Test
    void streamsTheReplyWordByWordInTheChunkShapeEndingWithDone() throws Exception {
        HttpResponse<String> response = stream(chatBody("m", user("Hello!")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        List<JsonNode> chunks = chunks(response);
        for (JsonNode chunk : chunks) {
            assertThat(chunk.get("id").asText()).isEqualTo("chatcmpl-local-1");
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").asText()).isEqualTo("m");
            assertThat(chunk.get("created").isIntegralNumber()).isTrue();
            assertThat(chunk.at("/choices/0/logprobs").isNull()).isTrue();
            assertThat(chunk.has("usage")).isFalse();
        }
        assertThat(chunks.get(0).at("/choices/0/delta")).isEqualTo(TestClient.parse(
                "{\"role\":\"assistant\",\"content\":\"\"}"));
        assertThat(chunks.get(1).at("/choices/0/delta/content").asText()).isEqualTo("Local ");
        assertThat(chunks.get(1).at("/choices/0/finish_reason").isNull()).isTrue();
        String text = chunks.stream().map(c -> c.at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        assertThat(text).isEqualTo(Simulator.TEXT_PREFIX + "you said \"Hello!\"");
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void endsWithAUsageChunkWhenAskedTo() throws Exception {
        Map<String, Object> body = with(chatBody("m", user("Hello!")),
                "stream_options", Map.of("include_usage", true));

        List<JsonNode> chunks = chunks(stream(body));

        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage")).isEqualTo(TestClient.parse(
                "{\"prompt_tokens\":1,\"completion_tokens\":12,\"total_tokens\":13}"));
        assertThat(chunks.get(0).get("usage").isNull()).isTrue();
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void stopsAtMaxTokensWithFinishReasonLength() throws Exception {
        List<JsonNode> chunks = chunks(stream(with(chatBody("m", user("Hello!")), "max_tokens", 2)));

        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(2).at("/choices/0/delta/content").asText()).isEqualTo("simulator");
        assertThat(chunks.get(3).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void streamsAToolCallAsAnOpeningChunkThenArgumentFragments() throws Exception {
        Map<String, Object> body = with(chatBody("m", user("What's the weather in Paris?")),
                "tools", List.of(TestClient.weatherTool()));

        List<JsonNode> chunks = chunks(stream(body));

        JsonNode opening = chunks.get(1).at("/choices/0/delta/tool_calls/0");
        assertThat(opening.get("index").asInt()).isZero();
        assertThat(opening.get("id").asText()).startsWith("call_");
        assertThat(opening.get("type").asText()).isEqualTo("function");
        assertThat(opening.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(opening.at("/function/arguments").asText()).isEmpty();
        List<JsonNode> fragments = chunks.subList(2, chunks.size() - 1);
        assertThat(fragments).hasSizeGreaterThan(1);
        String arguments = fragments.stream()
                .map(c -> c.at("/choices/0/delta/tool_calls/0/function/arguments").asText())
                .collect(Collectors.joining());
        assertThat(arguments).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void streamsOneChunkPerChoiceWhenNIsAboveOne() throws Exception {
        List<JsonNode> chunks = chunks(stream(with(chatBody("m", user("Hi")), "n", 2)));

        assertThat(chunks.get(0).at("/choices/0/index").asInt()).isZero();
        assertThat(chunks.get(1).at("/choices/0/index").asInt()).isEqualTo(1);
        assertThat(chunks.get(1).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    }
}
