package ai.synth.lm;

import java.time.Duration;

/** The provider refused the API key (HTTP 401) or its permissions (HTTP 403). Never retried. */
public final class AuthenticationException extends ApiException {

    /** An authentication error; see {@link ApiException#ApiException}. */
    public AuthenticationException(String message, String provider, int status, String providerMessage,
            String requestId, int attempts) {
        super(message, provider, status, providerMessage, requestId, attempts);
    }

    /** An authentication error with the provider's error code and asked wait; see {@link ApiException}. */
    public AuthenticationException(String message, String provider, int status, String providerMessage,
            String requestId, int attempts, String errorCode, Duration retryAfter) {
        super(message, provider, status, providerMessage, requestId, attempts, errorCode, retryAfter);
    }
}
