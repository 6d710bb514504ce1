package ai.synth.lm;

import java.util.List;
import java.util.Map;

/**
 * One event of a streamed chat completion, in the OpenAI shape. Merge chunks into a whole
 * {@link ChatCompletion} with {@link ChatCompletionAccumulator}.
 *
 * @param id the completion id, the same on every chunk; may be null
 * @param object the object type, {@code chat.completion.chunk}
 * @param created when the completion was created, in seconds since the epoch (0 if absent)
 * @param model the model that answered
 * @param choices the deltas of this chunk; empty on the final usage chunk; never null
 * @param usage token counts, usually only on the last chunk and only when asked for
 *     ({@link ChatCompletionRequest#includeUsage()}); else null
 * @param systemFingerprint the backend configuration fingerprint, or null
 * @param additionalProperties fields this type does not model; never null
 */
public record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage,
        String systemFingerprint,
        Map<String, Object> additionalProperties) {

    /** Copies the collections. */
    public ChatCompletionChunk {
        choices = choices == null ? List.of() : List.copyOf(choices);
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    /** The text of the first choice's delta, or an empty string when this chunk carries none. */
    public String content() {
        if (choices.isEmpty() || choices.get(0).delta().content() == null) {
            return "";
        }
        return choices.get(0).delta().content();
    }

    /**
     * One choice's part of a chunk.
     *
     * @param index which choice this delta extends
     * @param delta what this chunk adds; never null
     * @param finishReason set on the choice's last chunk: {@code stop}, {@code length}, {@code tool_calls}, ...
     * @param additionalProperties other fields, e.g. {@code logprobs}; never null
     */
    public record Choice(int index, Delta delta, String finishReason, Map<String, Object> additionalProperties) {
        /** Validates the fields. */
        public Choice {
            delta = delta == null ? new Delta(null, null, null, List.of(), Map.of()) : delta;
            additionalProperties = JsonValues.copyOf(additionalProperties);
        }

        /** The log probabilities of this chunk's tokens, read from {@code additionalProperties}; null when none. */
        public Logprobs logprobs() {
            return Logprobs.fromJson(additionalProperties.get("logprobs"));
        }
    }

    /**
     * What one chunk adds to a choice's message.
     *
     * @param role the role, usually only on the first chunk
     * @param content the next piece of text, or null
     * @param refusal the next piece of a refusal, or null
     * @param toolCalls pieces of tool calls; never null
     * @param additionalProperties other fields, e.g. {@code reasoning_content}; never null
     */
    public record Delta(String role, String content, String refusal, List<ToolCallDelta> toolCalls,
            Map<String, Object> additionalProperties) {
        /** Copies the collections. */
        public Delta {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
            additionalProperties = JsonValues.copyOf(additionalProperties);
        }
    }

    /**
     * A piece of a tool call. The first piece of a call usually carries its id and name; later pieces add to the
     * arguments text. Pieces of one call share an {@code index}.
     *
     * @param index the call's position, or null when the backend left it out
     * @param id the call id, or null on continuation pieces
     * @param type the call type, or null
     * @param name the function name, or null on continuation pieces
     * @param arguments the next piece of the arguments text, or null
     * @param additionalProperties fields this type does not model; never null
     */
    public record ToolCallDelta(Integer index, String id, String type, String name, String arguments,
            Map<String, Object> additionalProperties) {
        /** Copies the map. */
        public ToolCallDelta {
            additionalProperties = JsonValues.copyOf(additionalProperties);
        }
    }
}
