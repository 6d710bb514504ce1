package ai.synth.lm;

import java.util.Objects;

/**
 * A message from the user.
 *
 * @param content the text; never null
 * @param name an optional participant name, or null
 */
public record UserMessage(String content, String name) implements ChatMessage {

    /** Validates the fields. */
    public UserMessage {
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
        return "user";
    }
}
