package ai.synth.lm.testserver;

/**
 * What the simulator answers: either text ({@code content}) or one tool call, with the finish reason and the
 * word counts that stand in for token usage.
 */
record SimulatedReply(String content, ToolCall toolCall, String finishReason, int promptTokens,
                      int completionTokens) {

    /** A function call; {@code arguments} is the serialized JSON object, as the API sends it. */
    record ToolCall(String id, String name, String arguments) {
    }
}
