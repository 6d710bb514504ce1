package ai.synth.lm.internal;

import ai.synth.lm.internal.http.Request;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.Choice;
import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The events of one call: its attempts, retries, a stream's chunks, and its end (told once). {@link #NONE} when
 * nobody listens: then each method returns at once.
 */
public final class CallEvents {

    /** Nobody listens. */
    public static final CallEvents NONE = new CallEvents(null, null);

    private final Events events;
    private final LMCall call;
    private boolean ended; // guarded by this
    private volatile int attempts;
    // A stream's answer, gathered from its chunks (one reader at a time, so plain synchronized is enough)
    private long firstChunkNanos;
    private String responseId;
    private String responseModel;
    private List<String> finishReasons; // by choice index, null until a chunk has one
    private Usage usage;

    CallEvents(Events events, LMCall call) {
        this.events = events;
        this.call = call;
    }

    /** The call, or null when nobody listens. */
    public LMCall call() {
        return call;
    }

    /** {@code request} with the headers listeners added at the start. */
    public Request headers(Request request) {
        return call == null ? request : request.withHeaders(call.headers());
    }

    /** Attempt {@code number}, sent at {@code startedNanos}, ended with {@code status} or {@code error}. */
    public void attempt(int number, int status, long startedNanos, Throwable error) {
        if (call == null) {
            return;
        }
        attempts = Math.max(attempts, number);
        if (events.tellsAttempts()) {
            events.tell("attemptEnded", LMListener::attemptEnded, new LMListener.Attempt(call, number, status,
                    Duration.ofNanos(System.nanoTime() - startedNanos), error));
        }
    }

    /** Attempt {@code attempt} failed; the next comes after {@code wait}. */
    public void retry(int attempt, Duration wait, String reason) {
        if (call != null) {
            events.tell("retryScheduled", LMListener::retryScheduled, new LMListener.Retry(call, call.deployment(),
                    attempt, wait, reason));
        }
    }

    /** A chunk of a stream reached the reader. */
    public synchronized void chunk(ChatCompletionChunk chunk) {
        if (call == null) {
            return;
        }
        if (firstChunkNanos == 0) {
            firstChunkNanos = System.nanoTime();
        }
        responseId = responseId == null ? chunk.id() : responseId;
        responseModel = responseModel == null ? chunk.model() : responseModel;
        for (ChatCompletionChunk.Choice c : chunk.choices()) {
            if (c.finishReason() != null) {
                if (finishReasons == null) {
                    finishReasons = new ArrayList<>(c.index() + 1);
                }
                while (finishReasons.size() <= c.index()) {
                    finishReasons.add(null);
                }
                finishReasons.set(c.index(), c.finishReason());
            }
        }
        usage = chunk.usage() != null ? chunk.usage() : usage;
    }

    /** A whole completion arrived. */
    public void completed(ChatCompletion completion) {
        if (call == null || !endOnce()) {
            return;
        }
        end(new LMListener.CallEnd(call, since(call.startNanos()), attempts, completion.id(), completion.model(),
                finishReasons(completion.choices()), completion.usage(), null, completion, null, false));
    }

    /** The call failed for good (or a stream broke); null: a stream ended well. */
    public void ended(Throwable error) {
        end(error, false);
    }

    /**
     * The caller ended the call before its answer arrived whole (closed a stream early, cancelled a future): told
     * as cancelled, not as a success or a failure. A no-op once the end was told.
     */
    public void cancelled() {
        end(null, true);
    }

    /** Ends with the outcome of a whole completion or a failure; a cancelled future counts as cancelled. */
    public void outcome(ChatCompletion completion, Throwable error) {
        if (error == null) {
            completed(completion);
        } else if (Futures.unwrap(error) instanceof CancellationException) {
            cancelled();
        } else {
            ended(Futures.unwrap(error));
        }
    }

    private void end(Throwable error, boolean cancelled) {
        if (call == null || !endOnce()) {
            return;
        }
        LMListener.CallEnd end;
        synchronized (this) {
            end = new LMListener.CallEnd(call, since(call.startNanos()), attempts, responseId, responseModel,
                    present(finishReasons), usage,
                    firstChunkNanos == 0 ? null : Duration.ofNanos(firstChunkNanos - call.startNanos()), null,
                    error, cancelled);
        }
        end(end);
    }

    /** True the first time only: the end is told once. */
    private synchronized boolean endOnce() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    private void end(LMListener.CallEnd end) {
        events.tell("callEnded", LMListener::callEnded, end);
    }

    /** The finish reasons of {@code choices} that have one. */
    private static List<String> finishReasons(List<Choice> choices) {
        // An ArrayList for CallEnd to copy, on purpose: handing it List.of(reason) instead, which List.copyOf returns
        // as it is, measured slower on JDK 17, the time inside List.copyOf (a do-nothing listener's path: about
        // 500 ns a call against 150-200)
        List<String> reasons = new ArrayList<>(choices.size());
        for (Choice c : choices) {
            if (c.finishReason() != null) {
                reasons.add(c.finishReason());
            }
        }
        return reasons;
    }

    /** The reasons gathered from a stream's chunks, without the choices that had none. */
    private static List<String> present(List<String> reasons) {
        if (reasons == null) {
            return List.of();
        }
        List<String> present = new ArrayList<>(reasons.size());
        for (String r : reasons) {
            if (r != null) {
                present.add(r);
            }
        }
        return present;
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
