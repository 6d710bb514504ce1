package ai.synth.lm.internal.wire;

/** A stream that breaks the SSE rules or the parser's limits. */
public final class SseException extends RuntimeException {
    /** An error with the given message. */
    public SseException(String message) {
        super(message);
    }
}
