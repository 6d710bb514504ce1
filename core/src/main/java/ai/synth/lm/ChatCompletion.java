package ai.synth.lm;

import java.util.List;
import java.util.Map;

/**
 * A chat completion response, in the OpenAI shape.
 *
 * <pre>{@code
 * String text = response.choices().get(0).message().content();
 * }</pre>
 *
 * @param id the response id; may be null if the backend sent none
 * @param object the object type, {@code chat.completion}
 * @param created when it was created, in seconds since the epoch (0 if absent)
 * @param model the model that answered
 * @param choices the choices; never null
 * @param usage token counts, or null when the backend sent none
 * @param systemFingerprint the backend configuration fingerprint, or null
 * @param additionalProperties fields this type does not model (e.g. {@code service_tier}, {@code prompt_logprobs});
 *     never null
 */
public record ChatCompletion(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage,
        String systemFingerprint,
        Map<String, Object> additionalProperties) {

    /** Copies the collections. */
    public ChatCompletion {
        choices = choices == null ? List.of() : List.copyOf(choices);
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    /**
     * The content of the first choice, or null when it has none (for example when the model called a tool).
     *
     * @throws IllegalStateException if the response has no choices
     */
    public String content() {
        if (choices.isEmpty()) {
            throw new IllegalStateException("The response has no choices");
        }
        return choices.get(0).message().content();
    }
}
