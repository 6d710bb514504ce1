package ai.synth.lm;

/** The provider kept answering HTTP 429 until the retries ran out. */
public final class RateLimitException extends ApiException {

    /** A rate-limit error; see {@link ApiException#ApiException}. */
    public RateLimitException(String message, String provider, String providerMessage, String requestId,
            int attempts) {
        super(message, provider, 429, providerMessage, requestId, attempts);
    }
}
