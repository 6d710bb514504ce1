package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.Choice;
import ai.synth.lm.ToolCall;
import ai.synth.lm.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionJsonTest {

    @Test
    void writesToolCallsUsageAndUnknownFieldsInSnakeCase() throws Exception {
        AssistantMessage message = new AssistantMessage(null, null,
                List.of(ToolCall.function("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, Map.of());
        ChatCompletion completion = new ChatCompletion("chatcmpl-1", "chat.completion", 1700000000L, "m",
                List.of(new Choice(0, message, "tool_calls", Map.of("logprobs", Map.of("content", List.of())))),
                new Usage(3, 4, 7, Map.of("prompt_tokens_details", Map.of("cached_tokens", 1))), null,
                Map.of("service_tier", "default"));

        JsonNode json = new ObjectMapper().readTree(CompletionJson.write(completion));

        assertThat(json.path("created").asLong()).isEqualTo(1700000000L);
        assertThat(json.path("service_tier").asText()).isEqualTo("default");
        assertThat(json.has("system_fingerprint")).isFalse();
        JsonNode choice = json.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("logprobs").path("content").isArray()).isTrue();
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("call_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(json.path("usage").path("total_tokens").asLong()).isEqualTo(7);
        assertThat(json.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(1);
    }
}
