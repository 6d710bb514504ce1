package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request body the library can send validates against {@code CreateChatCompletionRequest} of OpenAI's published
 * spec. Skipped unless {@code -Dopenai.spec} names the spec (failed instead under {@code CI=true}); see
 * {@link OpenAISpec}.
 */
class WireFormatConformanceTest {

    private static final String REQUEST = "CreateChatCompletionRequest";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, Object> LOCATION = Map.of("type", "object",
            "properties", Map.of("location", Map.of("type", "string")), "required", List.of("location"));
    private static final Tool WEATHER = Tool.function("get_weather", "Get weather for a location", LOCATION);
    private static final ToolCall CALL = ToolCall.function("call_1", "get_weather", "{\"location\":\"Paris\"}");

    private static OpenAISpec spec;

    /** Per test, so that each one reports as skipped (with the reason) when there is no spec; loaded only once. */
    @BeforeEach
    void loadSpec() {
        spec = OpenAISpec.fromSystemProperty();
    }

    static Stream<Arguments> options() {
        return Stream.of(
                option("minimal", b -> b),
                option("temperature", b -> b.temperature(0.7)),
                option("bounds, low", b -> b.temperature(0.0).topP(0.0).presencePenalty(-2.0)
                        .frequencyPenalty(-2.0).maxTokens(1).maxCompletionTokens(1).n(1).seed(Long.MIN_VALUE)),
                option("bounds, high", b -> b.temperature(2.0).topP(1.0).presencePenalty(2.0)
                        .frequencyPenalty(2.0).maxTokens(Integer.MAX_VALUE).n(128)),
                option("topP", b -> b.topP(0.9)),
                option("maxTokens", b -> b.maxTokens(1000)),
                option("maxCompletionTokens", b -> b.maxCompletionTokens(1000)),
                option("n", b -> b.n(2)),
                option("stop, one sequence", b -> b.stop(List.of("\n"))),
                option("stop, four sequences", b -> b.stop(List.of("a", "b", "c", "d"))),
                option("stop, empty list (sent as unset)", b -> b.stop(List.of())),
                option("presencePenalty", b -> b.presencePenalty(-2.0)),
                option("frequencyPenalty", b -> b.frequencyPenalty(1.5)),
                option("seed", b -> b.seed(Long.MAX_VALUE)),
                option("user", b -> b.user("user-1234")),
                option("tools", b -> b.tools(List.of(WEATHER))),
                option("tool without description or parameters",
                        b -> b.tools(List.of(new Tool("function", new Tool.Function("now", null, null, null))))),
                option("strict tool", b -> b.tools(List.of(new Tool("function",
                        new Tool.Function("get_weather", null, Map.of("type", "object", "properties",
                                Map.of("location", Map.of("type", "string")), "required", List.of("location"),
                                "additionalProperties", false), true))))),
                option("toolChoice auto", b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.auto())),
                option("toolChoice none", b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.none())),
                option("toolChoice required", b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.required())),
                option("toolChoice function", b -> b.tools(List.of(WEATHER))
                        .toolChoice(ToolChoice.function("get_weather"))),
                option("parallelToolCalls", b -> b.tools(List.of(WEATHER)).parallelToolCalls(false)),
                option("responseFormat json_object", b -> b.responseFormat(Map.of("type", "json_object"))),
                option("responseFormat, empty map (sent as unset)", b -> b.responseFormat(Map.of())),
                option("responseFormat json_schema", b -> b.responseFormat(Map.of("type", "json_schema",
                        "json_schema", Map.of("name", "weather", "schema", LOCATION, "strict", true)))),
                option("extraBody, spec parameters", b -> b.extraBody(Map.of("logprobs", true, "top_logprobs", 3,
                        "store", false, "metadata", Map.of("run", "42"), "service_tier", "auto",
                        "logit_bias", Map.of("50256", -100)))),
                option("extraBody, vLLM's top_k", b -> b.extraBody(Map.of("top_k", 40))),
                option("logprobs and topLogprobs", b -> b.logprobs(true).topLogprobs(20)),
                option("logprobs off", b -> b.logprobs(false)),
                option("metadata", b -> b.metadata(Map.of("run", "42", "team", "search"))),
                option("serviceTier", b -> b.serviceTier("flex")),
                option("reasoningEffort", b -> b.reasoningEffort("low")),
                option("typed responseFormat text", b -> b.responseFormat(ResponseFormat.text())),
                option("typed responseFormat json_object", b -> b.responseFormat(ResponseFormat.jsonObject())),
                option("typed responseFormat json_schema", b -> b.responseFormat(
                        ResponseFormat.jsonSchema("weather", LOCATION, true).withDescription("The weather"))),
                option("typed responseFormat json_schema, strict unset", b -> b.responseFormat(
                        ResponseFormat.jsonSchema("weather", LOCATION, null))),
                option("responseFormat derived from a record", b -> b.responseFormat(
                        ResponseFormat.of(ResponseFormatTest.Weather.class))),
                option("tool derived from a record", b -> b.tools(List.of(Tool.function("report", "Report it",
                        ResponseFormatTest.Weather.class)))),
                option("includeUsage without streaming", b -> b.includeUsage(true)),
                option("everything at once", b -> b.temperature(0.7).topP(0.9).maxTokens(1000)
                        .maxCompletionTokens(1000).n(1).stop(List.of("END")).presencePenalty(0.5)
                        .frequencyPenalty(0.5).seed(7L).user("u").tools(List.of(WEATHER))
                        .toolChoice(ToolChoice.function("get_weather")).parallelToolCalls(true)
                        .responseFormat(Map.of("type", "text")).extraBody(Map.of("top_k", 40))));
    }

    private static Arguments option(String name, UnaryOperator<ChatCompletionRequest.Builder> option) {
        return arguments(name, option);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void everyBuilderOptionSendsAValidRequest(String name, UnaryOperator<ChatCompletionRequest.Builder> option) {
        ChatCompletionRequest request = option.apply(ChatCompletionRequest.builder()
                .model("gpt-4o-mini").messages(List.of(ChatMessage.user("Hello!")))).build();

        assertConforms(JsonCodec.writeRequest(request, false));
        assertConforms(JsonCodec.writeRequest(request, true));
    }

    static Stream<Arguments> conversations() {
        AssistantMessage toolTurn = new AssistantMessage(null, null, List.of(CALL), null, Map.of());
        return Stream.of(
                arguments("system and user", List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"))),
                arguments("names", List.of(new SystemMessage("Be brief.", "rules"), new UserMessage("Hi", "ann"))),
                arguments("assistant text", List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello."),
                        ChatMessage.user("Bye"))),
                arguments("assistant tool call and tool result", List.of(ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistant(toolTurn), ChatMessage.tool("call_1", "{\"temperature_c\": 21}"))),
                arguments("assistant text with tool calls", List.of(ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistant(new AssistantMessage("Let me look.", null, List.of(CALL,
                                ToolCall.function("call_2", "get_weather", "{}")), "bot", Map.of())),
                        ChatMessage.tool("call_1", "21 C"), ChatMessage.tool("call_2", "unknown"))),
                arguments("assistant refusal", List.of(ChatMessage.user("Hi"), ChatMessage.assistant(
                        new AssistantMessage(null, "I can't help with that.", List.of(), null, Map.of())))),
                arguments("assistant with neither content nor tool calls", List.of(ChatMessage.user("Hi"),
                        ChatMessage.assistant(new AssistantMessage(null, null, List.of(), null, Map.of())))),
                arguments("user content parts", List.of(ChatMessage.user(List.of(ContentPart.text("What is this?"),
                        ContentPart.image(new byte[] {1, 2, 3}, "image/jpeg"),
                        ContentPart.imageUrl("https://example.com/a.png").withDetail("high"),
                        ContentPart.audio(new byte[] {1, 2}, "mp3"))))),
                arguments("user parts with a name", List.of(new UserMessage(null, "ann",
                        List.of(ContentPart.text("Hi"))))),
                arguments("tool result as text parts", List.of(ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistant(toolTurn), ChatMessage.tool("call_1",
                                List.of(ContentPart.text("21 C"), ContentPart.text("sunny"))))),
                arguments("echo of a parsed reply", List.of(ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistant(parsedToolCallReply()), ChatMessage.tool("call_abc", "21 C"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void everyMessageKindSendsAValidRequest(String name, List<ChatMessage> messages) {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("gpt-4o-mini").messages(messages).tools(List.of(WEATHER)).build();

        assertConforms(JsonCodec.writeRequest(request, false));
    }

    @Test
    void streamingBodyWithIncludeUsageIsValid() {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("gpt-4o-mini")
                .messages(List.of(ChatMessage.user("Hi"))).includeUsage(true).build();

        JsonNode body = parse(JsonCodec.writeRequest(request, true));

        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(spec.violations(REQUEST, body)).as("%s", body).isEmpty();
    }

    @Test
    void bodiesSentOverTheWireInAToolRoundTripAreValid() {
        try (LocalBackend backend = LocalBackend.builder().apiKey("k").build().start();
                OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1")
                        .apiKey("k").environment(Map.of()).build())) {
            ChatCompletionRequest ask = ChatCompletionRequest.builder().model("gpt-4o-mini")
                    .messages(List.of(ChatMessage.user("What's the weather in Paris?"))).tools(List.of(WEATHER))
                    .toolChoice(ToolChoice.auto()).build();
            AssistantMessage turn = provider.createChatCompletion(ask).choices().get(0).message();
            ChatCompletionRequest answer = ask.withMessages(List.of(ask.messages().get(0),
                    ChatMessage.assistant(turn), ChatMessage.tool(turn.toolCalls().get(0).id(), "21 C")));
            try (ChatCompletionStream stream = provider.streamChatCompletion(
                    answer.toBuilder().includeUsage(true).build())) {
                stream.toCompletion();
            }

            List<RecordedRequest> sent = backend.requests();
            assertThat(sent).hasSize(2);
            assertThat(turn.toolCalls()).isNotEmpty();
            sent.forEach(request -> assertConforms(request.body().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void validatorRejectsMessagesThatAreNotAList() {
        JsonNode body = parse("{\"model\":\"gpt-4o-mini\",\"messages\":\"x\"}");

        assertThat(spec.violations(REQUEST, body)).containsExactly("$.messages: string found, array expected");
    }

    @Test
    void validatorRejectsOutOfRangeValuesAndUnknownRoles() {
        JsonNode body = parse("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}],"
                + "\"temperature\":3,\"tool_choice\":\"sometimes\"}");

        assertThat(spec.violations(REQUEST, body))
                .anyMatch(m -> m.startsWith("$.messages[0]: must be valid to one and only one schema"))
                .anyMatch(m -> m.equals("$.temperature: must have a maximum value of 2"))
                .anyMatch(m -> m.startsWith("$.tool_choice: must be valid to one and only one schema"));
    }

    @Test
    void validatorRejectsAToolMessageWithoutToolCallId() {
        JsonNode body = parse("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"tool\",\"content\":\"21 C\"}]}");

        assertThat(spec.violations(REQUEST, body))
                .contains("$.messages[0]: required property 'tool_call_id' not found");
    }

    @Test
    void validatorRejectsAnEchoedToolCallWithoutItsFunction() {
        JsonNode body = parse("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"assistant\","
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\"}]}]}");

        assertThat(spec.violations(REQUEST, body))
                .contains("$.messages[0].tool_calls[0]: required property 'function' not found");
    }

    private static void assertConforms(byte[] body) {
        JsonNode json = parse(body);
        assertThat(spec.violations(REQUEST, json)).as("%s", json).isEmpty();
    }

    /** An OpenAI reply with a tool call, read as the library reads it (unknown fields kept, then dropped on echo). */
    private static AssistantMessage parsedToolCallReply() {
        String reply = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                + "\"annotations\":[],\"tool_calls\":[{\"id\":\"call_abc\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}";
        try {
            return JsonCodec.readCompletion(reply.getBytes(StandardCharsets.UTF_8)).choices().get(0).message();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(byte[] json) {
        return parse(new String(json, StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
