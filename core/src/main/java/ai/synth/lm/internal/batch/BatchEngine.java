package ai.synth.lm.internal.batch;

import ai.synth.lm.BatchSummary;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.RawResponse;
import ai.synth.lm.Router;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.Usage;
import ai.synth.lm.internal.Futures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch: reads the input a line at a time on its own thread, sends each new request through the
 * provider's async face with at most {@code concurrency} in flight and within the minute budget, and appends each
 * result to the output or errors file within a few milliseconds of its arrival (see {@link Slots}), holding the
 * request's permit until then. Lines an earlier run settled are skipped.
 */
public final class BatchEngine {

    private static final Logger log = LoggerFactory.getLogger("ai.synth.lm.BatchRunner");
    static final String DUPLICATE = "duplicate_custom_id";

    private final BatchPlan plan;
    private final Tally tally = new Tally();
    private final Slots slots;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final CompletableFuture<BatchSummary> result = new CompletableFuture<>();
    private final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    private final String runTag = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final RateGate gate;
    /** Whether the provider's answers come from this library's HTTP engine, whose bodies can go out as they came. */
    private final boolean bodiesChecked;
    private final Set<String> seen = new HashSet<>();
    /** Result lines queued and not yet written. */
    private final AtomicLong queued = new AtomicLong();
    private volatile Instant started;
    private volatile boolean inputExhausted;
    private volatile ResultLog out;
    private volatile ResultLog err;

    public BatchEngine(BatchPlan plan) {
        this.plan = plan;
        this.slots = new Slots(plan.concurrency(), this::drain);
        this.gate = new RateGate(plan, "batch-" + runTag + "-");
        UnifiedLMProvider p = plan.provider();
        this.bodiesChecked = p instanceof OpenAIProvider || p instanceof SynthProvider || p instanceof Router;
    }

    /** Starts the job over the plan's input file on a thread of its own. */
    public void start() {
        started = plan.clock().instant();
        Thread thread = new Thread(() -> run(() -> new InputReader(plan.input(), plan.model())), "synth-lm-batch");
        thread.start();
    }

    /**
     * Runs the job on the calling thread over {@code rows} instead of the plan's input file (whose model setting
     * the rows carry themselves), and returns its summary once every result is written. A row iterator that
     * fails stops the reading; the calls in flight are still written, then the failure is rethrown as it was.
     *
     * @throws java.io.UncheckedIOException if a result file could not be read or written
     */
    public BatchSummary runOn(RowInput<?> rows) {
        started = plan.clock().instant();
        run(() -> rows);
        return Futures.await(result);
    }

    public void cancel() {
        stop.complete(null);
    }

    public CompletableFuture<BatchSummary> result() {
        return result;
    }

    public BatchSummary progress() {
        return snapshot(false);
    }

    private BatchSummary snapshot(boolean finished) {
        Instant from = started == null ? plan.clock().instant() : started;
        Duration wall = Duration.between(from, plan.clock().instant());
        return tally.snapshot(wall, finished, finished && !inputExhausted);
    }

    private interface Opener {
        InputSource open() throws IOException;
    }

    private void run(Opener source) {
        Resumed resumed = new Resumed();
        try (ResultLog output = ResultLog.open(plan.output(), (n, line) -> resumed.take(plan.output(), n, line));
             ResultLog errors = ResultLog.open(plan.errors(), (n, line) -> resumed.take(plan.errors(), n, line));
             InputSource input = source.open()) {
            out = output;
            err = errors;
            try {
                readAll(input, resumed);
            } finally {
                slots.take(plan.concurrency());
            }
            Throwable failed = writeFailure.get();
            if (failed != null) {
                throw failed instanceof IOException io ? io : new IOException(failed);
            }
        } catch (IOException e) {
            result.completeExceptionally(new UncheckedIOException(e));
            return;
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            return;
        }
        BatchSummary summary = snapshot(true);
        log.info("Batch finished: {} succeeded, {} failed, {} already done, {} tokens in {} ms{}",
                summary.succeeded(), summary.failed(), summary.skipped(), summary.totalTokens(),
                summary.wallTime().toMillis(), summary.cancelled() ? " (cancelled)" : "");
        result.complete(summary);
    }

    private void readAll(InputSource input, Resumed resumed) throws IOException {
        while (!stop.isDone()) {
            InputLine line = input.next();
            if (line == null) {
                inputExhausted = true;
                return;
            }
            if (line instanceof InputLine.Bad bad) {
                if (bad.customId() != null) {
                    seen.add(bad.customId());
                }
                if (!settledBefore(resumed, bad.lineNumber())) {
                    reject(bad.lineNumber(), bad.customId(), bad.code(), bad.message());
                }
            } else if (line instanceof InputLine.Request request) {
                take(request, resumed);
            }
        }
    }

    private void take(InputLine.Request line, Resumed resumed) throws IOException {
        String id = line.customId();
        if (!seen.add(id)) {
            if (!settledBefore(resumed, line.lineNumber())) {
                reject(line.lineNumber(), id, DUPLICATE, "line " + line.lineNumber() + " repeats custom_id \"" + id
                        + "\" of an earlier line; it was not sent (give each line a unique custom_id)");
            }
            return;
        }
        if (resumed.done.remove(id)) {
            tally.skipped.incrementAndGet();
            return;
        }
        send(line);
    }

    private boolean settledBefore(Resumed resumed, long lineNumber) {
        if (resumed.reportedLines.remove(lineNumber)) {
            tally.skipped.incrementAndGet();
            return true;
        }
        return false;
    }

    private void send(InputLine.Request line) {
        slots.take(1);
        String ticket = stop.isDone() ? null : gate.reserve(line.lineNumber(), line.request(), stop);
        if (stop.isDone()) {
            gate.settle(ticket, 0);
            slots.free();
            return;
        }
        tally.inFlight.incrementAndGet();
        CompletableFuture<RawResponse<ChatCompletion>> call;
        try {
            call = plan.provider().createChatCompletionRawAsync(line.request());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((answer, failure) -> finish(line, ticket, answer, failure));
    }

    /**
     * Makes the result's line and queues it, for the reader to write when it waits for a permit, else writes it at
     * once; the call counts as done, and its permit is let go, only once the line is written ({@link #written}).
     */
    private void finish(InputLine.Request line, String ticket, RawResponse<ChatCompletion> answer,
            Throwable failure) {
        ResultLog log;
        long waiting = queued.incrementAndGet(); // before the line is queued: the reader may write it at once
        try {
            String id = resultId(line.lineNumber());
            if (failure == null) {
                Usage usage = answer.parsed().usage();
                gate.settle(ticket, usage == null ? 0 : usage.totalTokens());
                log = out;
                log.queue(OutputLines.success(id, line.customId(), answer, bodiesChecked),
                        e -> written(e, () -> tally.success(usage)));
            } else {
                gate.settle(ticket, 0);
                String code = OutputLines.code(failure);
                log = err;
                log.queue(OutputLines.failure(id, line.customId(), failure),
                        e -> written(e, () -> tally.failure(code)));
            }
        } catch (RuntimeException | Error e) { // the line is lost: the run fails, and the permit is let go all the same
            written(e, null);
            return;
        }
        if (!slots.handedToWaiter(waiting, tally.inFlight.get())) {
            log.drain();
        }
    }

    /** Writes the lines queued for either file. */
    private void drain() {
        out.drain();
        err.drain();
    }

    /** A result's line is written ({@code failure} null) or failed: counts it, lets its permit go, tells progress. */
    private void written(Throwable failure, Runnable count) {
        try {
            if (failure == null) {
                count.run();
            } else {
                writeFailure.compareAndSet(null, failure);
                cancel();
            }
        } finally {
            queued.decrementAndGet(); // before the call stops counting as unwritten; see Slots.handedToWaiter
            tally.inFlight.decrementAndGet();
            slots.free();
        }
        report();
    }

    private void reject(long lineNumber, String customId, String code, String message) throws IOException {
        err.appendAndWait(OutputLines.badLine(resultId(lineNumber), customId, lineNumber, code, message));
        tally.failure(code);
        report();
    }

    private String resultId(long lineNumber) {
        return "batch_req_" + runTag + "_" + lineNumber;
    }

    private void report() {
        if (plan.listener() != null) {
            try {
                plan.listener().accept(progress());
            } catch (RuntimeException e) {
                log.warn("The batch progress listener failed; the batch goes on", e);
            }
        }
    }
}
