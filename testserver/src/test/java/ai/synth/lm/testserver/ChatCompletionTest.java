package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatCompletionTest {

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void answersTextInTheChatCompletionShapeWithEveryRequiredField() throws Exception {
        HttpResponse<String> response = client.post("/v1/chat/completions", chatBody("gpt-4o-mini", user("Hello!")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req_local_1");
        JsonNode json = TestClient.parse(response.body());
        assertThat(json.fieldNames()).toIterable()
                .contains("id", "object", "created", "model", "choices", "usage", "system_fingerprint");
        assertThat(json.get("id").asText()).isEqualTo("chatcmpl-local-1");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        assertThat(json.get("created").isIntegralNumber()).isTrue();
        assertThat(json.get("created").asLong()).isGreaterThan(1_700_000_000L);
        assertThat(json.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(json.get("system_fingerprint").asText()).isEqualTo("synth-lm-local");
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("refusal").isNull()).isTrue();
        assertThat(choice.get("message").has("tool_calls")).isFalse();
        assertThat(choice.get("message").get("content").asText()).isEqualTo(
                "Local simulator reply (synth-lm local backend, not a model): you said \"Hello!\"");
    }

    @Test
    void answersTheSameRequestTheSameWay() throws Exception {
        Map<String, Object> body = chatBody("m", user("Tell me something"));

        JsonNode first = client.chat(body);
        JsonNode second = client.chat(body);

        assertThat(second.get("choices")).isEqualTo(first.get("choices"));
        assertThat(second.get("usage")).isEqualTo(first.get("usage"));
        assertThat(second.get("id").asText()).isEqualTo("chatcmpl-local-2");
    }

    @Test
    void repliesToTheLastUserMessageAndReadsContentParts() throws Exception {
        Map<String, Object> parts = Map.of("role", "user",
                "content", List.of(Map.of("type", "text", "text", "second question")));
        JsonNode json = client.chat(chatBody("m", Map.of("role", "system", "content", "be brief"),
                user("first question"), Map.of("role", "assistant", "content", "ok"), parts));

        assertThat(json.at("/choices/0/message/content").asText()).endsWith("you said \"second question\"");
    }

    @Test
    void truncatesToMaxTokensWordsWithFinishReasonLength() throws Exception {
        JsonNode json = client.chat(with(chatBody("m", user("Hello there")), "max_tokens", 4));

        assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("Local simulator reply (synth-lm");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void acceptsMaxCompletionTokensLikeMaxTokens() throws Exception {
        JsonNode json = client.chat(with(chatBody("m", user("Hi")), "max_completion_tokens", 2));

        assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("Local simulator");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void keepsFinishReasonStopWhenTheReplyFitsMaxTokens() throws Exception {
        JsonNode json = client.chat(with(chatBody("m", user("Hi")), "max_tokens", 100));

        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void countsUsageAsWhitespaceSeparatedWords() throws Exception {
        JsonNode json = client.chat(chatBody("m", Map.of("role", "system", "content", "You are terse."),
                user("What is  two plus two?")));

        // reply: Local simulator reply (synth-lm local backend, not a model): you said "What is two plus two?"
        assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(3 + 5);
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(16);
        assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(24);
    }

    @Test
    void answersNIdenticalChoicesIndexedFromZero() throws Exception {
        JsonNode json = client.chat(with(chatBody("m", user("Hi")), "n", 3));

        assertThat(json.get("choices")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(json.get("choices").get(i).get("index").asInt()).isEqualTo(i);
            assertThat(json.get("choices").get(i).get("message"))
                    .isEqualTo(json.get("choices").get(0).get("message"));
        }
    }

    @Test
    void servesChatCompletionsWithoutTheV1Prefix() throws Exception {
        HttpResponse<String> response = client.post("/chat/completions", chatBody("m", user("Hi")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestClient.parse(response.body()).get("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void warmsAColdModelOnTheFirstChatRequest() throws Exception {
        assertThat(backend.isWarm("Qwen/Qwen2.5-7B-Instruct")).isFalse();

        client.chat(chatBody("Qwen/Qwen2.5-7B-Instruct", user("Hi")));

        assertThat(backend.isWarm("Qwen/Qwen2.5-7B-Instruct")).isTrue();
    }
}
