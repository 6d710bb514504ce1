package ai.synth.lm;

import java.util.Map;
import java.util.Objects;

/**
 * One completion choice of a {@link ChatCompletion}.
 *
 * @param index the position of this choice (0 unless {@code n > 1} was asked)
 * @param message the assistant's message; never null
 * @param finishReason why generation stopped: {@code stop}, {@code length}, {@code tool_calls},
 *     {@code content_filter}; null when the backend did not say
 * @param additionalProperties other fields, e.g. {@code logprobs} (read typed with {@link #logprobs()}); never
 *     null
 */
public record Choice(int index, AssistantMessage message, String finishReason, Map<String, Object> additionalProperties) {

    /** Validates the fields. */
    public Choice {
        Objects.requireNonNull(message, "message");
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    /**
     * The log probabilities of this choice's tokens, read from {@code additionalProperties}; null when the backend
     * sent none (the request did not ask with {@code logprobs(true)}).
     */
    public Logprobs logprobs() {
        return Logprobs.fromJson(additionalProperties.get("logprobs"));
    }
}
