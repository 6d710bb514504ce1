package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.weatherTool;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ToolCallTest {

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private static Map<String, Object> withWeatherTool(Object... messages) {
        return with(chatBody("m", messages), "tools", List.of(weatherTool()));
    }

    @Test
    void callsTheWeatherToolWithTheCityFromTheUsersWords() throws Exception {
        JsonNode json = client.chat(withWeatherTool(user("What's the weather in Paris?")));

        JsonNode choice = json.at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.get("id").asText()).matches("call_[0-9a-f]{24}");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").isTextual()).isTrue();
        assertThat(TestClient.parse(call.at("/function/arguments").asText()))
                .isEqualTo(TestClient.parse("{\"location\":\"Paris\"}"));
    }

    @Test
    void callsAToolTheUserNamesWithSpacesForUnderscores() throws Exception {
        JsonNode json = client.chat(withWeatherTool(user("please get weather for Oslo, thanks")));

        assertThat(json.at("/choices/0/message/tool_calls/0/function/arguments").asText())
                .isEqualTo("{\"location\":\"Oslo\"}");
    }

    @Test
    void answersTextWhenTheUserDoesNotAskForTheTool() throws Exception {
        JsonNode json = client.chat(withWeatherTool(user("Tell me a joke")));

        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.at("/choices/0/message").has("tool_calls")).isFalse();
    }

    @Test
    void answersTextWhenToolChoiceIsNone() throws Exception {
        JsonNode json = client.chat(with(withWeatherTool(user("weather in Paris?")), "tool_choice", "none"));

        assertThat(json.at("/choices/0/message/content").asText()).contains("you said");
    }

    @Test
    void callsAToolWhenToolChoiceIsRequiredOrNamesIt() throws Exception {
        Map<String, Object> named = Map.of("type", "function", "function", Map.of("name", "get_weather"));

        JsonNode required = client.chat(with(withWeatherTool(user("Hi")), "tool_choice", "required"));
        JsonNode forced = client.chat(with(withWeatherTool(user("Hi")), "tool_choice", named));

        assertThat(required.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(forced.at("/choices/0/message/tool_calls/0/function/arguments").asText())
                .isEqualTo("{\"location\":\"Hi\"}");
    }

    @Test
    void fillsNumbersBooleansAndEnumsFromTheSchema() throws Exception {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "book_table",
                "description", "Reserve a restaurant table",
                "parameters", Map.of("type", "object", "properties", Map.of(
                        "guests", Map.of("type", "integer"),
                        "budget", Map.of("type", "number"),
                        "outdoor", Map.of("type", "boolean"),
                        "style", Map.of("type", "string", "enum", List.of("casual", "formal")),
                        "note", Map.of("type", "string")))));
        Map<String, Object> body = with(chatBody("m", user("Book a table for 4 people")), "tools", List.of(tool));

        JsonNode json = client.chat(body);

        JsonNode arguments = TestClient.parse(json.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        assertThat(arguments).isEqualTo(TestClient.parse("{\"guests\":4,\"budget\":4,\"outdoor\":true,"
                + "\"style\":\"casual\",\"note\":\"Book a table for 4 people\"}"));
    }

    @Test
    void answersAToolResultNamingTheToolItAnswers() throws Exception {
        Map<String, Object> call = Map.of("id", "call_1", "type", "function",
                "function", Map.of("name", "get_weather", "arguments", "{\"location\":\"Paris\"}"));
        Map<String, Object> assistant = new java.util.HashMap<>(Map.of("role", "assistant", "tool_calls", List.of(call)));
        assistant.put("content", null);
        Map<String, Object> result = Map.of("role", "tool", "tool_call_id", "call_1",
                "content", "{\"temperature_c\": 21}");

        JsonNode json = client.chat(withWeatherTool(user("What's the weather in Paris?"), assistant, result));

        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.at("/choices/0/message/content").asText())
                .isEqualTo("Local simulator reply: the get_weather tool returned {\"temperature_c\": 21}");
    }

    @Test
    void givesTheSameCallIdForTheSameRequest() throws Exception {
        Map<String, Object> body = withWeatherTool(user("weather in Rome"));

        String first = client.chat(body).at("/choices/0/message/tool_calls/0/id").asText();
        String second = client.chat(body).at("/choices/0/message/tool_calls/0/id").asText();

        assertThat(second).isEqualTo(first);
    }
}
