package ai.synth.lm.internal.batch;

import ai.synth.lm.ChatCompletionRequest;

/** One non-blank line of a batch input: a request to send, or a line that cannot be sent and why. */
sealed interface InputLine {

    /** The line's number, from 1. */
    long lineNumber();

    /** A request ready to send, under its {@code custom_id}. */
    record Request(long lineNumber, String customId, ChatCompletionRequest request) implements InputLine {}

    /**
     * A line that cannot be sent. {@code customId} is null when it could not be read; {@code message} says what is
     * wrong without quoting the line.
     */
    record Bad(long lineNumber, String customId, String code, String message) implements InputLine {}
}
