package ai.synth.lm;

/**
 * A model's output did not read as the Java type asked for: a structured answer
 * ({@link ParsedChatCompletion#parse(ChatCompletion, Class)}) or a tool call's arguments
 * ({@link ToolCall#arguments(Class)}). It carries the text as the model wrote it. Not retried.
 */
public final class OutputParseException extends SynthLMException {

    private final String rawText;
    private final Class<?> targetType;
    private final transient ChatCompletion completion;

    /**
     * An output that did not parse.
     *
     * @param message the one-line summary: what was read, as what, and why it failed
     * @param cause Jackson's error, or null
     * @param rawText the text as the model wrote it, or null when there was none
     * @param targetType the type it was read as
     * @param completion the completion it came from, or null (tool arguments)
     */
    public OutputParseException(String message, Throwable cause, String rawText, Class<?> targetType,
            ChatCompletion completion) {
        super(message, cause, null, 0, null, null, 0);
        this.rawText = rawText;
        this.targetType = targetType;
        this.completion = completion;
    }

    /** The text as the model wrote it, or null when there was none (no content, or a tool call instead). */
    public String rawText() {
        return rawText;
    }

    /** The type the text was read as. */
    public Class<?> targetType() {
        return targetType;
    }

    /** The completion the text came from, or null for tool arguments or after serialization. */
    public ChatCompletion completion() {
        return completion;
    }
}
