package ai.synth.lm.redis;

/**
 * Redis did not answer a routing decision in time while {@link FailurePolicy#FAIL_CLOSED} is set. The message names
 * the Redis address (never its password) and the operation.
 */
public final class SharedStateUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SharedStateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
