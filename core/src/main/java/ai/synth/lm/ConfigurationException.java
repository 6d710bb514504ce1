package ai.synth.lm;

/**
 * A missing or malformed setting, such as an unset {@code SYNTH_BASE_URL} or {@code SYNTH_TIMEOUT=abc}. The message
 * names the variable, the bad value (never a key) and what is expected. Thrown before any network call.
 */
public final class ConfigurationException extends SynthLMException {

    /** A configuration error with the given message. */
    public ConfigurationException(String message) {
        super(message, null, null, 0, null, null, 0);
    }
}
