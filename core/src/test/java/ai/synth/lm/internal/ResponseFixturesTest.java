package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.Choice;
import ai.synth.lm.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real response shapes from OpenAI, Azure OpenAI, vLLM, Ollama and llama.cpp ({@code fixtures/*.json}; the sources
 * are in {@code fixtures/README.md}) parse, lose nothing the records can hold, and keep {@code null} apart from
 * absent in {@code additionalProperties}. Not kept, because no record can hold them: the message's {@code role}
 * (always the assistant's) and unknown fields inside a tool call's {@code function}.
 */
class ResponseFixturesTest {

    private static final Set<String> TOP = Set.of("id", "object", "created", "model", "system_fingerprint", "choices",
            "usage");
    private static final Set<String> CHOICE = Set.of("index", "message", "finish_reason");
    private static final Set<String> MESSAGE = Set.of("role", "content", "refusal", "name", "tool_calls");
    private static final Set<String> TOOL_CALL = Set.of("id", "type", "function");
    private static final Set<String> USAGE = Set.of("prompt_tokens", "completion_tokens", "total_tokens");

    @ParameterizedTest
    @ValueSource(strings = {"openai.json", "openai-tool-calls.json", "azure-openai.json", "vllm.json", "ollama.json",
            "llamacpp.json"})
    void parsesAndKeepsEveryFieldTheRecordsDoNotModel(String fixture) throws IOException {
        byte[] bytes = read(fixture);
        Map<?, ?> raw = (Map<?, ?>) JsonValueIO.parse(bytes);
        ChatCompletion completion = JsonCodec.readCompletion(bytes);

        assertThat(completion.id()).isEqualTo(raw.get("id"));
        assertThat(completion.model()).isEqualTo(raw.get("model"));
        assertThat(completion.created()).isEqualTo(((Number) raw.get("created")).longValue());
        assertThat(completion.systemFingerprint()).isEqualTo(raw.get("system_fingerprint"));
        assertKept(raw, TOP, completion.additionalProperties());
        List<?> choices = (List<?>) raw.get("choices");
        assertThat(completion.choices()).hasSameSizeAs(choices);
        for (int i = 0; i < choices.size(); i++) {
            Map<?, ?> rawChoice = (Map<?, ?>) choices.get(i);
            Choice choice = completion.choices().get(i);
            assertThat(choice.index()).isEqualTo(rawChoice.get("index"));
            assertThat(choice.finishReason()).isEqualTo(rawChoice.get("finish_reason"));
            assertKept(rawChoice, CHOICE, choice.additionalProperties());
            Map<?, ?> rawMessage = (Map<?, ?>) rawChoice.get("message");
            AssistantMessage message = choice.message();
            assertThat(message.content()).isEqualTo(rawMessage.get("content"));
            assertThat(message.refusal()).isEqualTo(rawMessage.get("refusal"));
            assertKept(rawMessage, MESSAGE, message.additionalProperties());
            List<?> rawCalls = rawMessage.get("tool_calls") == null ? List.of() : (List<?>) rawMessage.get("tool_calls");
            assertThat(message.toolCalls()).hasSameSizeAs(rawCalls);
            for (int c = 0; c < rawCalls.size(); c++) {
                Map<?, ?> rawCall = (Map<?, ?>) rawCalls.get(c);
                ToolCall call = message.toolCalls().get(c);
                assertThat(call.id()).isEqualTo(rawCall.get("id"));
                assertThat(call.function().name()).isEqualTo(((Map<?, ?>) rawCall.get("function")).get("name"));
                assertThat(call.function().arguments()).isEqualTo(((Map<?, ?>) rawCall.get("function")).get("arguments"));
                assertKept(rawCall, TOOL_CALL, call.additionalProperties());
            }
        }
        Map<?, ?> rawUsage = (Map<?, ?>) raw.get("usage");
        assertThat(completion.usage().promptTokens()).isEqualTo(((Number) rawUsage.get("prompt_tokens")).longValue());
        assertThat(completion.usage().completionTokens()).isEqualTo(((Number) rawUsage.get("completion_tokens")).longValue());
        assertThat(completion.usage().totalTokens()).isEqualTo(((Number) rawUsage.get("total_tokens")).longValue());
        assertKept(rawUsage, USAGE, completion.usage().additionalProperties());
    }

    /** Every field outside {@code known} is in {@code extra} with the same value (null included), and nothing else is. */
    private static void assertKept(Map<?, ?> raw, Set<String> known, Map<String, Object> extra) {
        Map<Object, Object> expected = new java.util.LinkedHashMap<>(raw);
        expected.keySet().removeAll(known);
        assertThat(extra.keySet()).containsExactlyElementsOf(expected.keySet().stream().map(String::valueOf).toList());
        assertThat(JsonValueIO.toJson(extra)).isEqualTo(JsonValueIO.toJson(expected));
    }

    @Test
    void openAiKeepsRefusalAnnotationsLogprobsAndTokenDetails() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("openai.json"));
        Choice choice = c.choices().get(0);
        assertThat(choice.additionalProperties()).containsEntry("logprobs", null);
        assertThat(choice.message().refusal()).isNull();
        assertThat(choice.message().additionalProperties()).containsEntry("annotations", List.of());
        assertThat(c.additionalProperties()).containsEntry("service_tier", "default");
        assertThat(c.usage().additionalProperties()).containsKeys("prompt_tokens_details", "completion_tokens_details");
    }

    @Test
    void openAiToolCallsHaveNullContentAndTheirArgumentsVerbatim() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("openai-tool-calls.json"));
        assertThat(c.choices().get(0).message().content()).isNull();
        assertThat(c.choices().get(0).message().additionalProperties()).doesNotContainKey("content");
        assertThat(c.choices().get(0).message().toolCalls().get(0).function().arguments())
                .isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
        assertThat(c.usage().additionalProperties()).doesNotContainKey("prompt_tokens_details"); // absent stays absent
    }

    @Test
    void azureKeepsPromptAndChoiceContentFilterResults() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("azure-openai.json"));
        List<?> prompts = (List<?>) c.additionalProperties().get("prompt_filter_results");
        Map<?, ?> prompt = (Map<?, ?>) prompts.get(0);
        assertThat(prompt.get("prompt_index")).isEqualTo(0);
        assertThat(prompt.get("content_filter_results")).isInstanceOf(Map.class);
        Map<?, ?> filters = (Map<?, ?>) c.choices().get(0).additionalProperties().get("content_filter_results");
        assertThat(filters.get("hate")).isEqualTo(Map.of("filtered", false, "severity", "safe"));
        assertThat(filters.get("protected_material_code")).isEqualTo(Map.of("filtered", false, "detected", false));
    }

    @Test
    void vllmKeepsStopReasonNullOrNotAndPromptLogprobs() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("vllm.json"));
        assertThat(c.choices().get(0).additionalProperties()).containsEntry("stop_reason", "\n");
        assertThat(c.choices().get(1).additionalProperties()).containsEntry("stop_reason", null);
        assertThat(c.choices().get(1).index()).isEqualTo(1);
        assertThat(c.choices().get(0).message().additionalProperties()).containsEntry("reasoning_content", null);
        assertThat(c.choices().get(0).message().toolCalls()).isEmpty();
        assertThat(c.additionalProperties()).containsEntry("prompt_logprobs", null).containsEntry("kv_transfer_params", null)
                .containsEntry("service_tier", null);
        assertThat(c.usage().additionalProperties()).containsEntry("prompt_tokens_details", null);
        assertThat(c.systemFingerprint()).isNull();
    }

    @Test
    void ollamaKeepsTheToolCallIndexAndHasNoLogprobs() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("ollama.json"));
        assertThat(c.systemFingerprint()).isEqualTo("fp_ollama");
        assertThat(c.choices().get(0).message().content()).isEmpty();
        assertThat(c.choices().get(0).message().toolCalls().get(0).additionalProperties()).containsEntry("index", 0);
        assertThat(c.choices().get(0).additionalProperties()).doesNotContainKey("logprobs");
    }

    @Test
    void llamaCppKeepsTimingsAndReasoningContent() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(read("llamacpp.json"));
        Map<?, ?> timings = (Map<?, ?>) c.additionalProperties().get("timings");
        assertThat(timings.get("predicted_n")).isEqualTo(10);
        assertThat(timings.get("predicted_per_second")).isEqualTo(58.750609537632);
        assertThat(c.choices().get(0).message().additionalProperties())
                .containsEntry("reasoning_content", "The user greets me; answer briefly.");
        assertThat(c.content()).isEqualTo("Hello! How can I help you today?");
    }

    private static byte[] read(String fixture) throws IOException {
        try (InputStream in = ResponseFixturesTest.class.getResourceAsStream("/fixtures/" + fixture)) {
            assertThat(in).as("fixture " + fixture).isNotNull();
            return in.readAllBytes();
        }
    }
}
