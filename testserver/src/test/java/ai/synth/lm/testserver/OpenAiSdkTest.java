package ai.synth.lm.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Java SDK ({@code com.openai:openai-java} 4.x), unchanged, against the local backend: a
 * completion, a tool call round trip and a stream. Users who test their own OpenAI-SDK code against the backend
 * rely on this.
 */
class OpenAiSdkTest {

    private static final String KEY = "sk-openai-sdk-5a1c";

    private final LocalBackend backend = LocalBackend.builder().apiKey(KEY).build().start();
    private final OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
            .maxRetries(0).build();

    @AfterEach
    void close() {
        client.close();
        backend.close();
    }

    @Test
    void aCompletion() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addSystemMessage("Be brief.").addUserMessage("Hello from the SDK!")
                .temperature(0.2).maxCompletionTokens(64).build());

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo("gpt-4o-mini");
        assertThat(completion.choices()).hasSize(1);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(choice.message().content()).hasValueSatisfying(text -> assertThat(text).contains("Hello from the SDK!"));
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
        completion.validate(); // every required field present with its type

        RecordedRequest request = backend.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.bodyJson()).containsEntry("model", "gpt-4o-mini").containsEntry("max_completion_tokens", 64);
    }

    @Test
    void aToolCallRoundTrip() {
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("What's the weather in Paris?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("get_weather").description("Get weather for a location")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(
                                        Map.of("location", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                                .build())
                        .build()).build())
                .build();

        ChatCompletion first = client.chat().completions().create(ask);
        first.validate();
        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage turn = choice.message();
        ChatCompletionMessageFunctionToolCall call = turn.toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"location\":\"Paris\"}");

        ChatCompletion second = client.chat().completions().create(ask.toBuilder().addMessage(turn)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"temperature_c\": 21}").build())
                .build());
        second.validate();
        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(second.choices().get(0).message().content()).hasValueSatisfying(text ->
                assertThat(text).contains("get_weather").contains("21"));
        List<?> sent = (List<?>) backend.lastRequest().bodyJson().get("messages");
        assertThat(sent).hasSize(3);
        Map<?, ?> assistant = (Map<?, ?>) sent.get(1);
        Map<?, ?> tool = (Map<?, ?>) sent.get(2);
        assertThat(assistant.get("role")).isEqualTo("assistant");
        assertThat(assistant.get("tool_calls")).isNotNull();
        assertThat(tool.get("role")).isEqualTo("tool");
        assertThat(tool.get("tool_call_id")).isEqualTo(call.id());
    }

    @Test
    void aStream() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Stream me a greeting").streamOptions(
                        com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().collect(Collectors.toList());
        }

        assertThat(chunks).hasSizeGreaterThan(2);
        chunks.forEach(ChatCompletionChunk::validate);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(text).contains("Stream me a greeting");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.finishReason().orElse(null)))
                .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks.get(chunks.size() - 1).usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
        assertThat(backend.lastRequest().bodyJson()).containsEntry("stream", true);
    }
}
