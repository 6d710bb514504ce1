package ai.synth.lm;

import java.util.List;

/**
 * A message from the user: text, or content parts (text, images, audio).
 *
 * @param content the text, or null when the message is made of {@code parts}
 * @param name an optional participant name, or null
 * @param parts the content parts, or empty when the message is plain {@code content}; never null
 */
public record UserMessage(String content, String name, List<ContentPart> parts) implements ChatMessage {

    /**
     * Validates the fields: exactly one of text content and parts.
     *
     * @throws NullPointerException if there is neither text nor parts
     * @throws IllegalArgumentException if there are both
     */
    public UserMessage {
        parts = parts == null ? List.of() : List.copyOf(parts);
        if (content == null && parts.isEmpty()) {
            throw new NullPointerException("content: give the message text, or at least one content part");
        }
        if (content != null && !parts.isEmpty()) {
            throw new IllegalArgumentException("a user message has text content or content parts, not both: "
                    + "put the text in a ContentPart.text(...) part");
        }
    }

    /**
     * A text message.
     *
     * @param content the text; never null
     * @param name an optional participant name, or null
     */
    public UserMessage(String content, String name) {
        this(java.util.Objects.requireNonNull(content, "content"), name, List.of());
    }

    @Override
    public String role() {
        return "user";
    }
}
