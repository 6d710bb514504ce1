package ai.synth.lm;

import java.util.Objects;

/**
 * A system message: instructions for the model.
 *
 * @param content the text; never null
 * @param name an optional participant name, or null
 */
public record SystemMessage(String content, String name) implements ChatMessage {

    /** Validates the fields. */
    public SystemMessage {
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
        return "system";
    }
}
