package ai.synth.lm;

import java.util.Map;

/**
 * Token counts of one completion.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens in the completion
 * @param totalTokens both together
 * @param additionalProperties other fields, e.g. {@code prompt_tokens_details} (read typed with
 *     {@link #promptTokensDetails()} and {@link #completionTokensDetails()}); never null
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, Map<String, Object> additionalProperties) {

    /** Copies the map. */
    public Usage {
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    /** The breakdown of the prompt tokens ({@code prompt_tokens_details}); zeros when the backend sent none. */
    public PromptTokensDetails promptTokensDetails() {
        Map<?, ?> json = details("prompt_tokens_details");
        return new PromptTokensDetails(count(json, "cached_tokens"), count(json, "audio_tokens"));
    }

    /** The breakdown of the completion tokens ({@code completion_tokens_details}); zeros when the backend sent none. */
    public CompletionTokensDetails completionTokensDetails() {
        Map<?, ?> json = details("completion_tokens_details");
        return new CompletionTokensDetails(count(json, "reasoning_tokens"), count(json, "audio_tokens"),
                count(json, "accepted_prediction_tokens"), count(json, "rejected_prediction_tokens"));
    }

    private Map<?, ?> details(String name) {
        return additionalProperties.get(name) instanceof Map<?, ?> map ? map : Map.of();
    }

    private static long count(Map<?, ?> json, String name) {
        return json.get(name) instanceof Number n ? n.longValue() : 0;
    }

    /**
     * What the prompt tokens were.
     *
     * @param cachedTokens tokens read from the provider's prompt cache (billed at a discount)
     * @param audioTokens audio input tokens
     */
    public record PromptTokensDetails(long cachedTokens, long audioTokens) {}

    /**
     * What the completion tokens were.
     *
     * @param reasoningTokens tokens a reasoning model spent thinking, not shown in the answer
     * @param audioTokens audio output tokens
     * @param acceptedPredictionTokens tokens of a predicted output that appeared in the completion
     * @param rejectedPredictionTokens tokens of a predicted output that did not (still billed)
     */
    public record CompletionTokensDetails(long reasoningTokens, long audioTokens, long acceptedPredictionTokens,
            long rejectedPredictionTokens) {}
}
