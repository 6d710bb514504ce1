package ai.synth.lm;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.batch.BatchEngine;
import java.util.concurrent.CompletableFuture;

/**
 * A running batch, started by {@link BatchRunner#start()}: watch it, cancel it, or wait for its summary.
 * Thread-safe.
 */
public final class BatchJob {

    private final BatchEngine engine;

    BatchJob(BatchEngine engine) {
        this.engine = engine;
    }

    /** A snapshot of the counts so far. */
    public BatchSummary progress() {
        return engine.progress();
    }

    /**
     * Stops sending: no further line is read, requests in flight finish and are written, then the job ends with a
     * summary marked cancelled. Running the same job again later resumes where it stopped. Cancelling twice is
     * harmless.
     */
    public void cancel() {
        engine.cancel();
    }

    /**
     * The final summary, once every result is written. Fails with {@link java.io.UncheckedIOException} when a file
     * could not be read or written.
     */
    public CompletableFuture<BatchSummary> result() {
        return engine.result();
    }

    /**
     * Waits for the final summary. Interrupting the waiting thread cancels the job.
     *
     * @throws java.io.UncheckedIOException if a file could not be read or written
     */
    public BatchSummary await() {
        try {
            return Futures.await(engine.result());
        } catch (IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                engine.cancel();
            }
            throw e;
        }
    }
}
