package ai.synth.lm;

/** A model did not warm up; thrown by {@link WarmupResult#orThrow()}. */
public final class WarmupException extends SynthLMException {

    private final WarmupResult result;

    /**
     * A warmup error.
     *
     * @param message the full one-line summary
     * @param provider the provider name
     * @param result the result that says why
     */
    public WarmupException(String message, String provider, WarmupResult result) {
        super(message, null, provider, 0, result.error(), null, result.attempts());
        this.result = result;
    }

    /** The warmup result that says why the model is not warm. */
    public WarmupResult result() {
        return result;
    }
}
