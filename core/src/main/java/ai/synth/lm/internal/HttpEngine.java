package ai.synth.lm.internal;

import ai.synth.lm.internal.http.Http1Transport;
import ai.synth.lm.internal.http.HttpClients;
import ai.synth.lm.internal.http.JdkTransport;
import ai.synth.lm.internal.http.LimitedBody;
import ai.synth.lm.internal.http.StreamBody;
import ai.synth.lm.internal.http.Transport;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one engine behind every provider: JSON over a {@link Transport} (the library's own HTTP/1.1, over TLS for
 * {@code https}; the JDK's {@link HttpClient} when asked for), a per-attempt timeout, and retries scheduled on the provider's
 * {@link ai.synth.lm.Scheduler} (never a blocked thread). Thread-safe.
 */
public final class HttpEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEngine.class);
    private static final String USER_AGENT = "synth-lm-java/" + Version.VERSION;
    /**
     * The system property that, set to {@code jdk}, sends calls through the JDK's HttpClient (HTTP/2 over TLS when
     * the server offers it) instead of the library's own HTTP/1.1 transport.
     */
    public static final String TRANSPORT_PROPERTY = "ai.synth.lm.transport";

    private final ProviderSettings settings;
    private final Transport transport;
    final RetryPolicy retries;
    final Failures failures;
    private final Responses responses;
    private final ScheduledThreadPoolExecutor timers;
    private final Deadlines deadlines;
    private final Set<Runnable> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    /** An engine for one provider. */
    public HttpEngine(ProviderSettings settings) {
        this.settings = settings;
        boolean plain = "http".equalsIgnoreCase(URI.create(settings.apiBase()).getScheme());
        ThreadPoolExecutor workers = HttpClients.workers(settings.provider());
        this.transport = !"jdk".equals(System.getProperty(TRANSPORT_PROPERTY))
                ? new Http1Transport(settings, workers) : new JdkTransport(settings, workers, plain);
        this.retries = new RetryPolicy(settings.maxRetries(), settings.clock());
        this.failures = new Failures(settings);
        this.responses = new Responses(settings, failures);
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synth-lm-timeouts-" + settings.provider());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.deadlines = new Deadlines(timers, settings.timeout());
        if (plain && !HttpClients.isLoopback(settings.apiBase())) {
            log.warn("The {} base URL {} is plain http and not loopback: the API key will be sent in clear text",
                    settings.provider(), settings.apiBase());
        }
    }

    /** Whether a caller's cancel may end the attempt in flight: see {@link Transport#cancelClosesConnection}. */
    boolean cancelClosesConnection() {
        return transport.cancelClosesConnection();
    }

    /** Which transport carries this engine's calls: {@code "http1"} or {@code "jdk"}. For tests and logs. */
    public String transportName() {
        return transport instanceof Http1Transport ? "http1" : "jdk";
    }

    /** The provider settings. */
    public ProviderSettings settings() {
        return settings;
    }

    /** Sends a chat completion, retrying as the contract says. */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, false);
        ensureOpen();
        CallEvents call = settings.events().start(request, false);
        HttpRequest http = call.headers(post(settings.chatUri(), body));
        CompletableFuture<ChatCompletion> attempts = new CompletableFuture<>();
        new RetryingCall<>(this, http, LimitedBody.handler(settings.maxResponseSize()), b -> b,
                responses::completion, attempts, call).attempt(1);
        if (call == CallEvents.NONE) {
            return attempts;
        }
        // The call's end is told before its caller sees the outcome; a caller's cancel still reaches the attempts.
        CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
        attempts.whenComplete((answer, error) -> {
            call.outcome(answer, error);
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(answer);
            }
        });
        result.whenComplete((answer, error) -> {
            if (result.isCancelled()) {
                attempts.cancel(true);
            }
        });
        return result;
    }

    /**
     * The synchronous face of {@link #chat}: the same attempts and retries, each attempt sent on the caller's
     * thread ({@link Transport#send}), which saves the thread hand-offs an asynchronous send costs (a third of a
     * call's time on loopback with the JDK client); waits between retries block the caller too.
     */
    public ChatCompletion chatBlocking(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, false);
        CallEvents call = settings.events().start(request, false);
        HttpRequest http = call.headers(post(settings.chatUri(), body));
        CompletableFuture<ChatCompletion> result = RetryingCall.blocking(this, http,
                LimitedBody.handler(settings.maxResponseSize()), b -> b, responses::completion, call);
        result.whenComplete(call::outcome); // already complete: told on this thread, before returning
        return Futures.await(result);
    }

    /**
     * The synchronous face of {@link #stream}: sends on the caller's thread (retrying before the first byte) and
     * returns once the headers are in; the caller then reads the events itself, with no thread in between.
     */
    public BlockingStream streamBlocking(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, true);
        ensureOpen();
        CallEvents call = settings.events().start(request, true);
        HttpRequest http = call.headers(streamRequest(body));
        CompletableFuture<BlockingStream> opened = RetryingCall.blocking(this, http,
                StreamBody.blockingHandler(settings.maxResponseSize()), StreamBody::bytes,
                (response, attempts) -> responses.openedBlocking(response, attempts, this, call), call);
        opened.whenComplete((s, e) -> {
            if (e != null) {
                call.ended(unwrap(e));
            }
        });
        return Futures.await(opened);
    }

    /** Opens a streamed chat completion; the request is sent when the returned publisher is subscribed to. */
    public ChunkStream stream(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, true);
        ensureOpen();
        return new ChunkStream(this, () -> settings.events().start(request, true), call -> {
            CompletableFuture<ChunkStream.Opened> result = new CompletableFuture<>();
            new RetryingCall<>(this, call.headers(streamRequest(body)), StreamBody.handler(settings.maxResponseSize()),
                    StreamBody::bytes, responses::opened, result, call).attempt(1);
            return result;
        });
    }

    private HttpRequest streamRequest(byte[] body) {
        return request(settings.chatUri()).setHeader("Accept", "text/event-stream")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A JSON POST with the provider's headers. */
    public HttpRequest post(URI uri, byte[] body) {
        return request(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A request builder with the provider's headers. */
    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + settings.apiKey())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
    }

    /** Sends with retries; {@code onSuccess} turns a 2xx response into the result or throws a typed error. */
    public <T> CompletableFuture<T> execute(HttpRequest request, SuccessHandler<byte[], T> onSuccess) {
        return execute(request, LimitedBody.handler(settings.maxResponseSize()), body -> body, onSuccess);
    }

    /**
     * Sends with retries, reading bodies with {@code handler}; {@code errorBody} gives the bytes of a non-2xx
     * body for the error message. The per-attempt timeout runs until {@code handler}'s body is complete.
     */
    public <B, T> CompletableFuture<T> execute(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Function<B, byte[]> errorBody, SuccessHandler<B, T> onSuccess) {
        ensureOpen();
        CompletableFuture<T> result = new CompletableFuture<>();
        new RetryingCall<>(this, request, handler, errorBody, onSuccess, result, CallEvents.NONE).attempt(1);
        return result;
    }

    /**
     * One attempt, bounded by {@code timeout} from sending until the handler's body is complete. Fails with
     * {@link Failures.ResponseTimeout} when the timeout fires, and is cancelled when the engine closes.
     */
    public <B> CompletableFuture<HttpResponse<B>> sendOnce(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Duration timeout) {
        CompletableFuture<HttpResponse<B>> out = new CompletableFuture<>();
        if (closed.get()) {
            out.completeExceptionally(closedInFlight(0));
            return out;
        }
        CompletableFuture<HttpResponse<B>> send = transport.sendAsync(request, handler);
        Deadlines.Entry deadline = deadlines.add(timeout, () -> {
            if (out.completeExceptionally(new Failures.ResponseTimeout())) {
                send.cancel(true);
            }
        }, () -> out.completeExceptionally(closedInFlight(0)));
        if (closed.get()) { // close() may have passed the deadlines before the add
            deadlines.remove(deadline);
            out.completeExceptionally(closedInFlight(0));
        }
        send.whenComplete((response, error) -> {
            if (error != null) {
                out.completeExceptionally(unwrap(error));
            } else if (!out.complete(response)) {
                discard(response);
            }
        });
        out.whenComplete((r, e) -> {
            deadlines.remove(deadline);
            if (e != null) {
                send.cancel(true);
            }
        });
        return out;
    }

    /**
     * One attempt on the caller's thread, for the synchronous face. Its deadline (or {@link #close()}) ends it: a
     * body that stalls is aborted; before the headers the waiting thread is interrupted, which makes the JDK client
     * abort the exchange, and the interrupt is cleared again before this returns. (The JDK's own request timeout
     * would do the same but costs a selector wake-up per call, halving throughput at 64 threads.) Never throws: the
     * outcome is in the returned, already completed, future.
     */
    <B> CompletableFuture<HttpResponse<B>> sendBlocking(HttpRequest request, Duration timeout,
            HttpResponse.BodyHandler<B> handler) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedInFlight(0));
        }
        BlockingAttempt attempt = new BlockingAttempt(Thread.currentThread());
        Deadlines.Entry deadline = deadlines.add(timeout, () -> attempt.end(new Failures.ResponseTimeout()),
                () -> attempt.end(closedInFlight(0)));
        try {
            return CompletableFuture.completedFuture(
                    transport.send(request, info -> attempt.body(info, handler), attempt::onAbort));
        } catch (ClosedByInterruptException e) {
            RuntimeException cause = attempt.ended.get();
            if (cause == null) { // the caller's own interrupt closed the connection: keep the flag, and give up
                Thread.currentThread().interrupt();
                cause = new ConnectionException("Interrupted while waiting for " + settings.provider()
                        + "; the call was abandoned and its connection closed", e, settings.provider(), 0);
            }
            return CompletableFuture.failedFuture(cause);
        } catch (IOException e) {
            RuntimeException cause = attempt.ended.get();
            return CompletableFuture.failedFuture(cause != null ? cause : causeOf(e));
        } catch (InterruptedException e) {
            RuntimeException cause = attempt.ended.get();
            if (cause == null) { // the caller's own interrupt: keep it, and give up
                Thread.currentThread().interrupt();
                cause = new ConnectionException("Interrupted while waiting for " + settings.provider()
                        + "; the call was abandoned", e, settings.provider(), 0);
            }
            return CompletableFuture.failedFuture(cause);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            deadlines.remove(deadline);
            attempt.finish();
        }
    }

    /** The state of one blocking attempt, shared with whoever ends it early. */
    private final class BlockingAttempt {
        private static final int RUNNING = 0, DONE = 1, INTERRUPTING = 2, INTERRUPTED = 3;
        private final Thread caller;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final AtomicReference<LimitedBody> body = new AtomicReference<>();
        private final AtomicReference<Runnable> abort = new AtomicReference<>();
        final AtomicReference<RuntimeException> ended = new AtomicReference<>();

        BlockingAttempt(Thread caller) {
            this.caller = caller;
        }

        /** The body subscriber, made when the headers arrive; a whole body can be aborted, others are interrupted. */
        <B> HttpResponse.BodySubscriber<B> body(HttpResponse.ResponseInfo info, HttpResponse.BodyHandler<B> handler) {
            HttpResponse.BodySubscriber<B> subscriber = handler.apply(info);
            if (subscriber instanceof LimitedBody b) {
                body.set(b);
                RuntimeException cause = ended.get();
                if (cause != null) {
                    b.abort(cause); // the deadline passed while the headers were arriving
                }
            }
            return subscriber;
        }

        /** The transport's way to end the exchange; run at once if the attempt already ended. */
        void onAbort(Runnable action) {
            abort.set(action);
            if (ended.get() != null) {
                action.run();
            }
        }

        /**
         * Ends the attempt with {@code cause}: aborts the body, or runs the transport's abort action, or else
         * interrupts the wait for the headers.
         */
        void end(RuntimeException cause) {
            if (!ended.compareAndSet(null, cause)) {
                return;
            }
            LimitedBody b = body.get();
            Runnable action = abort.get();
            if (b != null) {
                b.abort(cause);
            } else if (action != null) {
                action.run();
            } else if (state.compareAndSet(RUNNING, INTERRUPTING)) {
                caller.interrupt();
                state.set(INTERRUPTED);
            }
        }

        /** On the caller's thread, leaving: an interrupt this attempt sent is waited for and cleared. */
        void finish() {
            if (!state.compareAndSet(RUNNING, DONE)) {
                while (state.get() != INTERRUPTED) {
                    Thread.onSpinWait();
                }
                Thread.interrupted();
            }
        }
    }

    /** The library's own marker inside the JDK's wrapping {@link IOException}, else the exception itself. */
    private static Throwable causeOf(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Failures.ResponseTimeout || t instanceof LimitedBody.TooLarge
                    || t instanceof SynthLMException) {
                return t;
            }
        }
        return e;
    }

    /** A byte-array attempt, as warmup uses. */
    public CompletableFuture<HttpResponse<byte[]>> sendOnce(HttpRequest request, Duration timeout) {
        return sendOnce(request, LimitedBody.handler(settings.maxResponseSize()), timeout);
    }

    /** Releases a streamed body that arrived after its call was given up. */
    static void discard(HttpResponse<?> response) {
        Object body = response.body() instanceof StreamBody stream
                ? (stream.input() != null ? stream.input() : stream.live()) : response.body();
        if (body instanceof java.io.InputStream input) {
            try {
                input.close();
            } catch (IOException ignored) {
                // closing releases the connection; nothing else to do
            }
        } else if (body instanceof Flow.Publisher<?> publisher) {
            publisher.subscribe(new Flow.Subscriber<Object>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.cancel();
                }

                @Override
                public void onNext(Object item) {}

                @Override
                public void onError(Throwable throwable) {}

                @Override
                public void onComplete() {}
            });
        }
    }

    /**
     * A wait on the provider's scheduler that ends at once when the engine closes, so that a call waiting to retry,
     * or a warmup waiting to poll, fails fast instead of outliving its provider.
     */
    public CompletableFuture<Void> delay(Duration delay) {
        try {
            return settings.scheduler().delay(delay).applyToEither(closing, ignored -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How many attempts are in flight now; 0 once closed. For leak checks. */
    public int inFlightCount() {
        return deadlines.size();
    }

    /**
     * Registers an open stream: {@code onClose} runs when the engine closes, since the stream's watchdog stops with
     * the timers and nothing else would end it. Run the returned handle when the stream ends.
     */
    public Runnable trackStream(Runnable onClose) {
        openStreams.add(onClose);
        return () -> openStreams.remove(onClose);
    }

    /** How many streams are open now. For leak checks. */
    public int openStreamCount() {
        return openStreams.size();
    }

    /** The scheduler of timeouts, for stream watchdogs. */
    public ScheduledThreadPoolExecutor timers() {
        return timers;
    }

    ConnectionException closedInFlight(int attempts) {
        return new ConnectionException("The " + settings.provider()
                + " provider was closed while the call was in flight", null, settings.provider(), attempts);
    }

    /** Fails if the engine is closed. */
    public void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("This " + settings.provider()
                    + " provider is closed: create a new one to make more calls");
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Fails every call in flight, stops the timers and releases the HTTP client. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        deadlines.closeAll();
        closing.complete(null); // ends the waits between attempts
        openStreams.forEach(Runnable::run);
        timers.shutdownNow();
        transport.close();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Turns a 2xx response into a result, or throws a {@link SynthLMException}. */
    @FunctionalInterface
    public interface SuccessHandler<B, T> {
        /** The result of a successful attempt. */
        T handle(HttpResponse<B> response, int attempts);
    }

}
