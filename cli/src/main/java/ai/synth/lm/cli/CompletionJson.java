package ai.synth.lm.cli;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.Choice;
import ai.synth.lm.ToolCall;
import ai.synth.lm.Usage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A {@link ChatCompletion} as OpenAI's JSON: snake_case names, {@code tool_calls} and {@code usage} where present,
 * and every unknown field the response carried, so {@code --json} shows what the provider sent.
 */
final class CompletionJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CompletionJson() {}

    /** The response, pretty-printed. */
    static String write(ChatCompletion c) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", c.id());
        root.put("object", c.object());
        root.put("created", c.created());
        root.put("model", c.model());
        ArrayNode choices = root.putArray("choices");
        c.choices().forEach(choice -> choices.add(choice(choice)));
        if (c.usage() != null) {
            root.set("usage", usage(c.usage()));
        }
        if (c.systemFingerprint() != null) {
            root.put("system_fingerprint", c.systemFingerprint());
        }
        extra(root, c.additionalProperties());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the response as JSON", e);
        }
    }

    private static ObjectNode choice(Choice choice) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("index", choice.index());
        node.set("message", message(choice.message()));
        node.put("finish_reason", choice.finishReason());
        extra(node, choice.additionalProperties());
        return node;
    }

    private static ObjectNode message(AssistantMessage m) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("role", m.role());
        node.put("content", m.content());
        if (m.refusal() != null) {
            node.put("refusal", m.refusal());
        }
        if (m.name() != null) {
            node.put("name", m.name());
        }
        if (m.hasToolCalls()) {
            ArrayNode calls = node.putArray("tool_calls");
            m.toolCalls().forEach(call -> calls.add(toolCall(call)));
        }
        extra(node, m.additionalProperties());
        return node;
    }

    private static ObjectNode toolCall(ToolCall call) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", call.id());
        node.put("type", call.type());
        node.putObject("function")
                .put("name", call.function().name())
                .put("arguments", call.function().arguments());
        extra(node, call.additionalProperties());
        return node;
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        extra(node, usage.additionalProperties());
        return node;
    }

    /** Unknown fields the library kept, as they came (maps, lists, strings, numbers, booleans, null). */
    private static void extra(ObjectNode node, Map<String, Object> additional) {
        additional.forEach((name, value) -> {
            if (!node.has(name)) {
                node.set(name, MAPPER.valueToTree(value));
            }
        });
    }
}
