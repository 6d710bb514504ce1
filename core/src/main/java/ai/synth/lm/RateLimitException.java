package ai.synth.lm;

import java.time.Duration;

/** The provider kept answering HTTP 429 until the retries ran out. */
public final class RateLimitException extends ApiException {

    /** A rate-limit error; see {@link ApiException#ApiException}. */
    public RateLimitException(String message, String provider, String providerMessage, String requestId,
            int attempts) {
        super(message, provider, 429, providerMessage, requestId, attempts);
    }

    /**
     * A rate-limit error with the wait the server (or a router with every deployment cooling) asked for.
     *
     * @param retryAfter when to come back, or null; see {@link ApiException#retryAfter()}
     * @see ApiException#ApiException(String, String, int, String, String, int, String, Duration)
     */
    public RateLimitException(String message, String provider, String providerMessage, String requestId,
            int attempts, String errorCode, Duration retryAfter) {
        super(message, provider, 429, providerMessage, requestId, attempts, errorCode, retryAfter);
    }
}
