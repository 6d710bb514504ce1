package ai.synth.lm;

/**
 * The provider answered with an error status (or an error body) that was not retried or exhausted its retries.
 * 401 and 403 are {@link AuthenticationException}, 429 is {@link RateLimitException}.
 */
public sealed class ApiException extends SynthLMException permits AuthenticationException, RateLimitException {

    /**
     * An API error.
     *
     * @param message the full one-line summary
     * @param provider the provider name
     * @param status the HTTP status
     * @param providerMessage the provider's error message, or null
     * @param requestId the {@code x-request-id}, or null
     * @param attempts how many attempts were made
     */
    public ApiException(String message, String provider, int status, String providerMessage, String requestId,
            int attempts) {
        super(message, null, provider, status, providerMessage, requestId, attempts);
    }
}
