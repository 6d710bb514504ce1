package ai.synth.lm.internal;

import ai.synth.lm.SynthLMException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The synchronous face over the asynchronous engine. */
public final class Futures {
    private Futures() {}

    /** The failure inside any {@link CompletionException} and {@link ExecutionException} wrapping it. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Waits for the future and returns its value, rethrowing its failure as it is (a {@link SynthLMException} or
     * another unchecked exception). If the waiting thread is interrupted, the call is cancelled and the interrupt
     * flag restored.
     */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the call; it was cancelled", e);
        }
    }
}
