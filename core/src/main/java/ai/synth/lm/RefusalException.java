package ai.synth.lm;

/**
 * The model refused to give a structured answer: its message has a {@code refusal} instead of content. Thrown by
 * {@link ParsedChatCompletion#parse(ChatCompletion, Class)} and the calls that use it. Not retried.
 */
public final class RefusalException extends SynthLMException {

    private final String refusal;
    private final transient ChatCompletion completion;

    /**
     * A refusal.
     *
     * @param refusal the model's refusal text
     * @param completion the completion that carried it
     */
    public RefusalException(String refusal, ChatCompletion completion) {
        super("The model refused to answer: " + refusal, null, null, 0, null, null, 0);
        this.refusal = refusal;
        this.completion = completion;
    }

    /** The model's refusal text. */
    public String refusal() {
        return refusal;
    }

    /** The completion that carried the refusal, or null after serialization. */
    public ChatCompletion completion() {
        return completion;
    }
}
