package ai.synth.lm;

import java.util.Map;

/**
 * Token counts of one completion.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens in the completion
 * @param totalTokens both together
 * @param additionalProperties other fields, e.g. {@code prompt_tokens_details}; never null
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, Map<String, Object> additionalProperties) {

    /** Copies the map. */
    public Usage {
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }
}
