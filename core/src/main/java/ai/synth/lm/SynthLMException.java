package ai.synth.lm;

/**
 * The base of every exception synth-lm throws: configuration problems, HTTP errors from a provider, connection
 * failures, timeouts, malformed responses and failed warmups.
 *
 * <p>Every subtype carries what is known of the failed call: the provider, the HTTP status, the provider's own
 * error message, the {@code x-request-id} and how many attempts were made. Asynchronous calls complete their
 * futures exceptionally with the same types. Messages never contain an API key.
 */
public abstract sealed class SynthLMException extends RuntimeException
        permits ConfigurationException, ApiException, ConnectionException, RequestTimeoutException,
                InvalidResponseException, WarmupException, RefusalException, OutputParseException {

    private final String provider;
    private final int status;
    private final String providerMessage;
    private final String requestId;
    private final int attempts;

    SynthLMException(String message, Throwable cause, String provider, int status, String providerMessage,
            String requestId, int attempts) {
        super(message, cause);
        this.provider = provider;
        this.status = status;
        this.providerMessage = providerMessage;
        this.requestId = requestId;
        this.attempts = attempts;
    }

    /** The provider name ({@code synth}, {@code openai}), or null when the failure happened before choosing one. */
    public String provider() {
        return provider;
    }

    /** The HTTP status of the last response, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The error message the provider sent, or null. */
    public String providerMessage() {
        return providerMessage;
    }

    /** The provider's {@code x-request-id} of the last response, or null. Quote it when asking for support. */
    public String requestId() {
        return requestId;
    }

    /** How many HTTP attempts were made, 0 when none was. */
    public int attempts() {
        return attempts;
    }
}
