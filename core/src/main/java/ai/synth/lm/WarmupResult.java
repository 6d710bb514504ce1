package ai.synth.lm;

import java.time.Duration;
import java.util.Objects;

/**
 * How a warmup ended.
 *
 * @param model the model
 * @param outcome how it ended
 * @param attempts how many status checks were made
 * @param elapsed how long it took
 * @param error why the model is not warm, or null when it is
 */
public record WarmupResult(String model, Outcome outcome, int attempts, Duration elapsed, String error) {

    /** How a warmup ended. */
    public enum Outcome {
        /** The model was remembered as warm (within 10 minutes); no request was made. */
        CACHED,
        /** The backend said the model was already warm. */
        ALREADY_WARM,
        /** The backend warmed the model while it was polled. */
        WARMED,
        /** The provider has no warmup (OpenAI); nothing to do. */
        NOT_REQUIRED,
        /** The backend reported {@code failed}. */
        FAILED,
        /** The backend refused to start the warmup (a non-200 answer or no connection). */
        REJECTED,
        /** The status checks ran out before the model was warm. */
        EXHAUSTED
    }

    /** Validates the fields. */
    public WarmupResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Whether the model is warm now. */
    public boolean warm() {
        return switch (outcome) {
            case CACHED, ALREADY_WARM, WARMED, NOT_REQUIRED -> true;
            case FAILED, REJECTED, EXHAUSTED -> false;
        };
    }

    /**
     * This result if the model is warm.
     *
     * @throws WarmupException saying why it is not
     */
    public WarmupResult orThrow() {
        if (!warm()) {
            throw new WarmupException("Warmup of " + model + " " + outcome.name().toLowerCase(java.util.Locale.ROOT)
                    + " after " + attempts + " status checks: " + error, "synth", this);
        }
        return this;
    }
}
