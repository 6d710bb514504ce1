package ai.synth.lm;

import ai.synth.lm.internal.Events;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Told what calls do: each call's start and end, its attempts and retries, connections opened and requests sent
 * again on a fresh connection, and, for a {@link Router}, cooldowns and waits for capacity; warmup progress too.
 * Set one on a config ({@code SynthConfig.builder().listener(...)}, {@code OpenAIConfig}, {@link RouterBuilder});
 * every method has a no-op default, so a listener overrides only what it needs.
 *
 * <pre>{@code
 * LMListener printRetries = new LMListener() {
 *     public void retryScheduled(Retry retry) {
 *         System.err.println("retrying in " + retry.delay().toMillis() + " ms: " + retry.reason());
 *     }
 * };
 * }</pre>
 *
 * <p><b>Threads.</b> Methods run on the thread that made the step: the caller's thread for synchronous calls, an
 * HTTP or timer thread for asynchronous ones. They are called directly, not handed to an executor, because a
 * tracing listener needs both the caller's context (its current span is the parent) and the chance to add request
 * headers ({@link LMCall#header}) before the request leaves. So a listener must be quick and must not block; one
 * that may be slow can be wrapped with {@link #onExecutor}. A listener that throws does not break the call: the
 * exception is caught and logged (once per listener class and method, then at debug level). Implementations must be
 * thread-safe: events of many calls arrive at once.
 */
public interface LMListener {

    /** A listener that does nothing. */
    LMListener NONE = new LMListener() {};

    /** A call is about to send its first attempt; {@link LMCall#header} may add request headers now. */
    default void callStarted(LMCall call) {}

    /**
     * A call ended: with an answer (a stream: when it ended), with its final failure, or cancelled by its caller
     * ({@link CallEnd#cancelled()}: a stream closed before its end, an asynchronous call's future cancelled).
     */
    default void callEnded(CallEnd end) {}

    /** One attempt (one HTTP exchange) of a call ended, with a response status or a failure. */
    default void attemptEnded(Attempt attempt) {}

    /** An attempt failed and the call will try again after a wait. */
    default void retryScheduled(Retry retry) {}

    /** A new connection to a server is being opened. */
    default void connectionOpened(Connection connection) {}

    /** A pooled connection broke before any byte of a request left, and the request goes on a new connection. */
    default void requestResent(Resend resend) {}

    /** A router's deployment cools down: no call goes to it until the cooldown ends. */
    default void cooldownStarted(Cooldown cooldown) {}

    /** A router noticed that a deployment's cooldown is over. */
    default void cooldownEnded(Cooldown cooldown) {}

    /** A routed call waits because no deployment of its group has capacity now. */
    default void limiterWait(LimiterWait wait) {}

    /** A step of a warmup. */
    default void warmupProgress(WarmupEvent event) {}

    /**
     * Several listeners as one; each is told in order, and one that throws does not keep the others from being told.
     *
     * @throws NullPointerException if a listener is null
     */
    static LMListener of(LMListener... listeners) {
        return Events.fanOut(List.of(listeners));
    }

    /**
     * This listener with every event handed to {@code executor}, for a listener that may be slow: a call then never
     * waits for it. Headers added from {@link #callStarted} on the executor come too late and are ignored, and
     * events may be told out of order. An executor that rejects an event drops it (logged at debug level).
     */
    static LMListener onExecutor(LMListener listener, Executor executor) {
        return Events.onExecutor(Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(executor,
                "executor"));
    }

    /**
     * How a call ended.
     *
     * @param call the call
     * @param duration from the start of the call to its end (a stream: to its last chunk)
     * @param attempts how many attempts were made
     * @param responseId the answer's id, or null
     * @param responseModel the model that answered, or null
     * @param finishReasons each choice's finish reason, in order; empty when none was given
     * @param usage the token usage the backend reported, or null
     * @param timeToFirstChunk streams: from the start of the call to the first chunk; null for other calls or when
     *     no chunk came
     * @param completion the whole answer of a call that was not streamed, or null
     * @param error the final failure, or null when the call succeeded or was cancelled
     * @param cancelled whether the caller ended the call before its answer had arrived whole: closed or cancelled a
     *     stream before its end ({@code data: [DONE]}, or every choice finished), or cancelled the future of an
     *     asynchronous call. Not a failure: {@code error} is null then, and what arrived before is reported as usual
     */
    record CallEnd(LMCall call, Duration duration, int attempts, String responseId, String responseModel,
            List<String> finishReasons, Usage usage, Duration timeToFirstChunk, ChatCompletion completion,
            Throwable error, boolean cancelled) {
        /**
         * The list copied.
         *
         * @throws IllegalArgumentException if both an error and a cancel are given
         */
        public CallEnd {
            finishReasons = List.copyOf(finishReasons);
            if (error != null && cancelled) {
                throw new IllegalArgumentException("A call ends either with an error or cancelled, not both");
            }
        }

        /** Whether the call got its whole answer: it neither failed nor was cancelled. */
        public boolean succeeded() {
            return error == null && !cancelled;
        }
    }

    /**
     * One attempt's outcome.
     *
     * @param call the call
     * @param number the attempt's number, from 1
     * @param status the HTTP status, or 0 when no response came
     * @param duration from sending to the outcome (a stream: to its headers)
     * @param error why the attempt failed without a response, or null
     */
    record Attempt(LMCall call, int number, int status, Duration duration, Throwable error) {}

    /**
     * A retry to come.
     *
     * @param call the call; null for a router's retry on another deployment
     * @param deployment the deployment that failed, or null outside a router
     * @param attempt the number of the attempt that failed, from 1
     * @param delay how long the call waits before trying again
     * @param reason why the attempt failed, e.g. {@code HTTP 429}
     */
    record Retry(LMCall call, String deployment, int attempt, Duration delay, String reason) {}

    /**
     * A connection being opened.
     *
     * @param provider the provider, e.g. {@code synth}
     * @param authority the server (and proxy, if any) connected to
     */
    record Connection(String provider, String authority) {}

    /**
     * A request sent again on a new connection.
     *
     * @param provider the provider
     * @param authority the server
     * @param reason how the pooled connection failed
     */
    record Resend(String provider, String authority, String reason) {}

    /**
     * A cooldown of a router's deployment.
     *
     * @param modelGroup the deployment's model group
     * @param deployment the deployment's id
     * @param length how long it lasts; zero when it ended
     * @param reason why it started, or {@code over} when it ended
     */
    record Cooldown(String modelGroup, String deployment, Duration length, String reason) {}

    /**
     * A routed call waiting for capacity.
     *
     * @param modelGroup the group
     * @param delay how long it waits before looking again
     * @param why what every deployment is: {@code cooling down}, {@code at their rpm/tpm limits}, ...
     */
    record LimiterWait(String modelGroup, Duration delay, String why) {}
}
