package ai.synth.lm;

import java.util.List;
import java.util.Map;

/**
 * A message from the assistant: the {@code message} of each {@link Choice} in a response, or an earlier
 * assistant turn sent back in a request.
 *
 * @param content the text, or null when the model only called tools or refused
 * @param refusal the refusal text, or null
 * @param toolCalls the tool calls the model made; empty, never null, when there are none
 * @param name an optional participant name, or null
 * @param additionalProperties fields the backend sent that this type does not model (e.g.
 *     {@code reasoning_content}), with JSON values as {@code Map}, {@code List}, {@code String}, {@code Number},
 *     {@code Boolean} or null; never null
 */
public record AssistantMessage(
        String content,
        String refusal,
        List<ToolCall> toolCalls,
        String name,
        Map<String, Object> additionalProperties)
        implements ChatMessage {

    /** Copies the collections; null collections become empty. */
    public AssistantMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    @Override
    public String role() {
        return "assistant";
    }

    /** Whether the model asked for at least one tool call. */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
