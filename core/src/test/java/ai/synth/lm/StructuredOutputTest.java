package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Answers read into Java types, through both faces and streaming, against the local backend. */
class StructuredOutputTest {

    public enum Sky { CLEAR, CLOUDY }

    public record Wind(double speedKmh, Optional<String> direction) {}

    public record Weather(String city, int temperatureC, Sky sky, List<String> warnings, Wind wind) {}

    public record WeatherQuery(String location, Optional<String> unit) {}

    /** The two faces of a structured call. */
    enum ParsedFace {
        SYNC, ASYNC;

        <T> ParsedChatCompletion<T> call(UnifiedLMProvider provider, ChatCompletionRequest request, Class<T> type) {
            return this == SYNC ? provider.createChatCompletion(request, type)
                    : Futures.await(provider.createChatCompletionAsync(request, type));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatCompletionRequest ASK = ChatCompletionRequest.of("m",
            List.of(ChatMessage.user("What's the weather in Paris? It is 21 degrees.")));

    private LocalBackend backend;
    private SynthProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey("k").build().start();
        provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k")
                .environment(Map.of()).build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    @ParameterizedTest
    @EnumSource(ParsedFace.class)
    void asksForTheTypesStrictSchemaAndReadsTheAnswerIntoIt(ParsedFace face) {
        ParsedChatCompletion<Weather> answer = face.call(provider, ASK, Weather.class);

        assertThat(answer.parsed()).isEqualTo(new Weather("Paris", 21, Sky.CLEAR,
                List.of("What's the weather in Paris? It is 21 degrees."), new Wind(21, Optional.of(
                        "What's the weather in Paris? It is 21 degrees."))));
        assertThat(answer.completion().content()).startsWith("{\"city\":\"Paris\"");
        assertThat(backend.lastRequest().bodyJson().get("response_format")).isEqualTo(Map.of("type", "json_schema",
                "json_schema", Map.of("name", "Weather", "schema", ResponseFormat.of(Weather.class).schema(),
                        "strict", true)));
    }

    @Test
    void theBackendsDocumentConformsToTheDerivedSchema() throws Exception {
        String text = provider.createChatCompletion(ASK, Weather.class).completion().content();

        JsonNode schema = JSON.valueToTree(ResponseFormat.of(Weather.class).schema());
        assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema)
                .validate(JSON.readTree(text))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aStreamedAnswerIsAccumulatedThenParsed(StreamFace face) {
        ChatCompletion whole = face.completion(provider,
                ASK.toBuilder().responseFormat(ResponseFormat.of(Weather.class)).build());

        Weather weather = ParsedChatCompletion.parse(whole, Weather.class).parsed();
        assertThat(weather).isEqualTo(provider.createChatCompletion(ASK, Weather.class).parsed());
    }

    @Test
    void theSeedNamedClientsReadTypedAnswersInTheOpenAIJavaShape() {
        SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k").environment(Map.of()).build();
        try (SyncSynthClient sync = new SyncSynthClient(config); AsyncSynthClient async = new AsyncSynthClient(config)) {
            Weather fromSync = sync.chat().completions().create(ASK, Weather.class).parsed();
            Weather fromAsync = async.chat().completions().create(ASK, Weather.class).join().parsed();

            assertThat(fromSync.city()).isEqualTo("Paris");
            assertThat(fromAsync).isEqualTo(fromSync);
        }
    }

    public record Reply(@JsonProperty("simulated_reply") String text) {}

    @Test
    void aResponseFormatTheRequestHasIsKept() {
        ParsedChatCompletion<Reply> answer = provider.createChatCompletion(
                ASK.toBuilder().responseFormat(ResponseFormat.jsonObject()).build(), Reply.class);

        assertThat(answer.parsed().text()).contains("not a model").contains("Paris");
        assertThat(backend.lastRequest().bodyJson().get("response_format")).isEqualTo(Map.of("type", "json_object"));
    }

    @ParameterizedTest
    @EnumSource(ParsedFace.class)
    void aRefusalIsATypedExceptionWithTheRefusalText(ParsedFace face) {
        backend.enqueue(Fault.body(200, "application/json", completion("null", "\"I can't help with that.\"", "stop")));

        RefusalException e = catchThrowableOfType(RefusalException.class, () -> face.call(provider, ASK, Weather.class));

        assertThat(e.refusal()).isEqualTo("I can't help with that.");
        assertThat(e).hasMessage("The model refused to answer: I can't help with that.");
        assertThat(e.completion().id()).isEqualTo("chatcmpl-x");
    }

    @ParameterizedTest
    @EnumSource(ParsedFace.class)
    void anAnswerThatIsNotTheTypeCarriesItsText(ParsedFace face) {
        ChatCompletionRequest text = ASK.toBuilder().responseFormat(ResponseFormat.text()).build();

        OutputParseException e = catchThrowableOfType(OutputParseException.class,
                () -> face.call(provider, text, Weather.class));

        assertThat(e.rawText()).startsWith("Local simulator reply");
        assertThat(e.targetType()).isEqualTo(Weather.class);
        assertThat(e.getMessage()).startsWith("The answer does not read as Weather: ").endsWith("The text is in rawText().");
    }

    @Test
    void aCutOffAnswerSaysToRaiseTheTokenLimit() {
        backend.enqueue(Fault.body(200, "application/json", completion("\"{\\\"city\\\": \\\"Par\"", "null", "length")));

        OutputParseException e = catchThrowableOfType(OutputParseException.class,
                () -> provider.createChatCompletion(ASK, Weather.class));

        assertThat(e.rawText()).isEqualTo("{\"city\": \"Par");
        assertThat(e.getMessage()).contains("cut off (finish_reason length): raise maxTokens or maxCompletionTokens");
    }

    @Test
    void anAnswerWithoutContentSaysWhy() {
        OutputParseException e = catchThrowableOfType(OutputParseException.class, () -> ParsedChatCompletion.parse(
                new ChatCompletion("x", "chat.completion", 0, "m", List.of(new Choice(0, new AssistantMessage(null,
                        null, List.of(ToolCall.function("c", "f", "{}")), null, Map.of()), "tool_calls", Map.of())),
                        null, null, Map.of()), Weather.class));

        assertThat(e).hasMessage("The answer has no content to read as Weather (finish_reason tool_calls, it called a tool)");
        assertThat(e.rawText()).isNull();
    }

    @Test
    void typedToolArgumentsRoundTrip() {
        Tool weather = Tool.function("get_weather", "Get weather for a location", WeatherQuery.class);
        ChatCompletion response = provider.createChatCompletion(ASK.toBuilder().tools(List.of(weather)).build());

        ToolCall call = response.choices().get(0).message().toolCalls().get(0);
        assertThat(call.arguments(WeatherQuery.class)).isEqualTo(new WeatherQuery("Paris",
                Optional.of("What's the weather in Paris? It is 21 degrees.")));
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = (Map<String, Object>) ((List<Map<String, Object>>) backend.lastRequest().bodyJson()
                .get("tools")).get(0).get("function");
        assertThat(sent).containsEntry("strict", true).containsEntry("parameters", weather.function().parameters());
    }

    @Test
    void toolArgumentsThatDoNotMatchNameTheToolAndCarryTheText() {
        ToolCall call = ToolCall.function("call_1", "get_weather", "{\"location\": [1]}");

        OutputParseException e = catchThrowableOfType(OutputParseException.class,
                () -> call.arguments(WeatherQuery.class));

        assertThat(e.getMessage()).startsWith("The arguments of tool call call_1 to \"get_weather\" do not read as"
                + " WeatherQuery: ");
        assertThat(e.rawText()).isEqualTo("{\"location\": [1]}");
        assertThat(e.completion()).isNull();
    }

    /** A record Jackson cannot create: private, in a package the module does not open. */
    private record Hidden(String city) {}

    @Test
    void aTypeJacksonCannotCreateIsAnErrorOfTheTypeNotOfTheAnswer() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Hidden.class.getModule().isNamed(),
                "on the class path Jackson may create any type");

        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider.createChatCompletion(ASK, Hidden.class));

        assertThat(e).hasMessageStartingWith("Jackson cannot create a " + Hidden.class.getName() + ": ")
                .hasMessageEndingWith("`opens ai.synth.lm to com.fasterxml.jackson.databind;` in ai.synth.lm's"
                        + " module-info.");
    }

    private static String completion(String content, String refusal, String finish) {
        return "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + content + ",\"refusal\":" + refusal
                + "},\"finish_reason\":\"" + finish + "\",\"logprobs\":null}]}";
    }
}
