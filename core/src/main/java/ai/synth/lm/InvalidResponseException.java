package ai.synth.lm;

/** The provider answered with a success status but a body that is not a valid chat completion. Not retried. */
public final class InvalidResponseException extends SynthLMException {

    /**
     * An invalid-response error.
     *
     * @param message the full one-line summary
     * @param cause the parse error, or null
     * @param provider the provider name
     * @param status the HTTP status
     * @param requestId the {@code x-request-id}, or null
     * @param attempts how many attempts were made
     */
    public InvalidResponseException(String message, Throwable cause, String provider, int status, String requestId,
            int attempts) {
        super(message, cause, provider, status, null, requestId, attempts);
    }
}
