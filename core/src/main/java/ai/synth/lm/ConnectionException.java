package ai.synth.lm;

/** No usable response: the connection was refused, reset or closed early, or the host could not be resolved. */
public final class ConnectionException extends SynthLMException {

    /**
     * A connection error.
     *
     * @param message the full one-line summary
     * @param cause the I/O error
     * @param provider the provider name
     * @param attempts how many attempts were made
     */
    public ConnectionException(String message, Throwable cause, String provider, int attempts) {
        super(message, cause, provider, 0, null, null, attempts);
    }
}
