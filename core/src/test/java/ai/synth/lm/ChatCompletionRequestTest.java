package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatCompletionRequestTest {

    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));

    @Test
    void sendsOnlyTheParametersThatWereSet() throws Exception {
        Map<String, Object> body = encode(ChatCompletionRequest.of("m", HELLO));
        assertThat(body).containsOnlyKeys("model", "messages");
        assertThat(body.get("messages")).isEqualTo(List.of(Map.of("role", "user", "content", "Hello!")));
    }

    @Test
    void encodesEveryParameterUnderItsWireName() throws Exception {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("m").messages(HELLO)
                .temperature(0.7).topP(0.9).maxTokens(1000).maxCompletionTokens(900).n(2).stop(List.of("END"))
                .presencePenalty(0.5).frequencyPenalty(-0.5).seed(42L).user("u-1")
                .tools(List.of(weather())).toolChoice(ToolChoice.function("get_weather")).parallelToolCalls(false)
                .responseFormat(Map.of("type", "json_object")).extraBody(Map.of("top_k", 40))
                .build();
        Map<String, Object> body = encode(request);
        assertThat(body).containsEntry("temperature", 0.7).containsEntry("top_p", 0.9)
                .containsEntry("max_tokens", 1000).containsEntry("max_completion_tokens", 900)
                .containsEntry("n", 2).containsEntry("stop", List.of("END"))
                .containsEntry("presence_penalty", 0.5).containsEntry("frequency_penalty", -0.5)
                .containsEntry("seed", 42).containsEntry("user", "u-1").containsEntry("parallel_tool_calls", false)
                .containsEntry("response_format", Map.of("type", "json_object")).containsEntry("top_k", 40)
                .containsEntry("tool_choice", Map.of("type", "function", "function", Map.of("name", "get_weather")));
        assertThat(body.get("tools")).isEqualTo(List.of(Map.of("type", "function", "function", Map.of(
                "name", "get_weather", "description", "Get weather for a location",
                "parameters", Map.of("type", "object", "properties", Map.of("location", Map.of("type", "string")),
                        "required", List.of("location"))))));
    }

    @Test
    void encodesToolTurnsAndModeToolChoices() throws Exception {
        AssistantMessage turn = new AssistantMessage(null, null,
                List.of(ToolCall.function("call_1", "get_weather", "{\"location\":\"Paris\"}")), null,
                Map.of("reasoning_content", "dropped when echoed"));
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("m")
                .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Weather?"),
                        ChatMessage.assistant(turn), ChatMessage.tool("call_1", "{\"temperature_c\": 21}")))
                .tools(List.of(weather())).toolChoice(ToolChoice.required()).build();
        Map<String, Object> body = encode(request);
        assertThat(body.get("tool_choice")).isEqualTo("required");
        assertThat(body.get("messages")).isEqualTo(List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather?"),
                Map.of("role", "assistant", "tool_calls", List.of(Map.of("id", "call_1", "type", "function",
                        "function", Map.of("name", "get_weather", "arguments", "{\"location\":\"Paris\"}")))),
                Map.of("role", "tool", "tool_call_id", "call_1", "content", "{\"temperature_c\": 21}")));
    }

    static List<Arguments> badRequests() {
        return List.of(
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.model(""), "model must not be empty"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.messages(List.of()),
                        "messages must not be empty"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.temperature(2.5),
                        "temperature must be between 0 and 2, was 2.5"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.temperature(Double.NaN),
                        "temperature must be between 0 and 2"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.topP(1.5), "topP must be between 0 and 1"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.maxTokens(-5),
                        "maxTokens must be at least 1, was -5"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.n(0), "n must be at least 1"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.stop(List.of("a", "b", "c", "d", "e")),
                        "stop takes at most 4"),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.toolChoice(ToolChoice.function("nope")),
                        "toolChoice names function \"nope\""),
                Arguments.of((UnaryOperator<ChatCompletionRequest.Builder>) b -> b.extraBody(Map.of("temperature", 1)),
                        "extraBody key \"temperature\" repeats a typed parameter"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badRequests")
    void badInputFailsAtBuildNamingTheField(UnaryOperator<ChatCompletionRequest.Builder> change, String message) {
        ChatCompletionRequest.Builder builder = ChatCompletionRequest.builder().model("m").messages(HELLO);
        assertThatThrownBy(() -> change.apply(builder).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void toolNamesAreChecked() {
        assertThatThrownBy(() -> Tool.function("get weather!", "d", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid tool name \"get weather!\"");
    }

    @Test
    void withModelKeepsEverythingElse() {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("a").messages(HELLO).temperature(0.2)
                .extraBody(Map.of("top_k", 40)).build();
        ChatCompletionRequest other = request.withModel("gpt-4o-mini");
        assertThat(other.model()).isEqualTo("gpt-4o-mini");
        assertThat(other.toBuilder().model("a").build()).isEqualTo(request);
    }

    static Tool weather() {
        return Tool.function("get_weather", "Get weather for a location", Map.of("type", "object",
                "properties", Map.of("location", Map.of("type", "string")), "required", List.of("location")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> encode(ChatCompletionRequest request) throws Exception {
        byte[] json = JsonCodec.writeRequest(request, false);
        return (Map<String, Object>) JsonValueIO.parse(json);
    }

    static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
