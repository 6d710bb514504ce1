package ai.synth.lm;

import java.time.Duration;
import java.util.Optional;

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
        this(message, provider, status, providerMessage, requestId, attempts, null, null);
    }

    private final String errorCode;
    private final Duration retryAfter;

    /**
     * An API error with the provider's error code and the wait it asked for.
     *
     * @param message the full one-line summary
     * @param provider the provider name
     * @param status the HTTP status
     * @param providerMessage the provider's error message, or null
     * @param requestId the {@code x-request-id}, or null
     * @param attempts how many attempts were made
     * @param errorCode the provider's {@code error.code} (e.g. {@code context_length_exceeded}), or null
     * @param retryAfter the wait the response asked for ({@code retry-after-ms} or {@code retry-after}), or null
     */
    public ApiException(String message, String provider, int status, String providerMessage, String requestId,
            int attempts, String errorCode, Duration retryAfter) {
        super(message, null, provider, status, providerMessage, requestId, attempts);
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    /** The provider's machine-readable {@code error.code} (e.g. {@code context_length_exceeded}), if it sent one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /**
     * The wait the response asked for in {@code retry-after-ms} or {@code retry-after} (seconds or an HTTP date),
     * when it was more than 0 and at most 60 seconds.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
