package ai.synth.lm;

import java.util.List;
import java.util.Objects;

/**
 * The result of a tool call, sent back to the model: text, or text parts.
 *
 * @param toolCallId the id of the {@link ToolCall} this message answers; never null
 * @param content the result, usually JSON text; null when the result is given as {@code parts}
 * @param parts the result as text parts, or empty when it is plain {@code content}; never null
 */
public record ToolMessage(String toolCallId, String content, List<ContentPart.Text> parts) implements ChatMessage {

    /**
     * Validates the fields: exactly one of text content and parts.
     *
     * @throws NullPointerException if the id is null, or there is neither text nor parts
     * @throws IllegalArgumentException if there are both
     */
    public ToolMessage {
        Objects.requireNonNull(toolCallId, "toolCallId");
        parts = parts == null ? List.of() : List.copyOf(parts);
        if (content == null && parts.isEmpty()) {
            throw new NullPointerException("content: give the tool's result as text, or at least one text part");
        }
        if (content != null && !parts.isEmpty()) {
            throw new IllegalArgumentException("a tool message has text content or text parts, not both");
        }
    }

    /**
     * A tool result as text.
     *
     * @param toolCallId the id of the {@link ToolCall} this message answers; never null
     * @param content the result, usually JSON text; never null
     */
    public ToolMessage(String toolCallId, String content) {
        this(toolCallId, Objects.requireNonNull(content, "content"), List.of());
    }

    @Override
    public String role() {
        return "tool";
    }
}
