package ai.synth.lm;

import java.util.Objects;

/**
 * The result of a tool call, sent back to the model.
 *
 * @param toolCallId the id of the {@link ToolCall} this message answers; never null
 * @param content the result, usually JSON text; never null
 */
public record ToolMessage(String toolCallId, String content) implements ChatMessage {

    /** Validates the fields. */
    public ToolMessage {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
        return "tool";
    }
}
