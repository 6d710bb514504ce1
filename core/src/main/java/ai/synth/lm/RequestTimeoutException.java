package ai.synth.lm;

import java.time.Duration;
import java.util.Objects;

/**
 * A timeout fired. {@link #kind()} says which one, {@link #timeout()} its value; the message says how to raise it.
 */
public final class RequestTimeoutException extends SynthLMException {

    /** Which timeout fired. */
    public enum Kind {
        /** Opening the connection took longer than the connect timeout. */
        CONNECT,
        /** The whole response did not arrive within the request timeout ({@code SYNTH_TIMEOUT}). */
        RESPONSE,
        /** A stream's body did not start within the first-byte timeout. */
        FIRST_BYTE,
        /** A stream went quiet between two events for longer than the idle timeout. */
        IDLE,
        /** A whole stream took longer than the stream timeout. */
        STREAM
    }

    private final Kind kind;
    private final Duration timeout;

    /**
     * A timeout error.
     *
     * @param message the full one-line summary
     * @param cause the underlying error, or null
     * @param provider the provider name
     * @param kind which timeout fired
     * @param timeout its value
     * @param attempts how many attempts were made
     */
    public RequestTimeoutException(String message, Throwable cause, String provider, Kind kind, Duration timeout,
            int attempts) {
        super(message, cause, provider, 0, null, null, attempts);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Which timeout fired. */
    public Kind kind() {
        return kind;
    }

    /** The value of the timeout that fired. */
    public Duration timeout() {
        return timeout;
    }
}
