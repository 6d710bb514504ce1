package ai.synth.lm;

import java.util.Map;
import java.util.Objects;

/**
 * A model a provider offers, one entry of {@link UnifiedLMProvider#listModels()} ({@code GET /models}).
 *
 * @param id the model name to put in a request, e.g. {@code gpt-4o-mini}; never null
 * @param object the object type, {@code model}
 * @param created when the model was created, in seconds since the epoch (0 if absent)
 * @param ownedBy the organization that owns it, or null
 * @param additionalProperties fields this type does not model (e.g. vLLM's {@code max_model_len}); never null
 */
public record Model(String id, String object, long created, String ownedBy, Map<String, Object> additionalProperties) {

    /** Validates the id and copies the map. */
    public Model {
        Objects.requireNonNull(id, "id");
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }
}
