package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonCodec;

import ai.synth.lm.internal.http.BodyMode;
import ai.synth.lm.internal.http.Headers;
import ai.synth.lm.internal.http.Http1Transport;
import ai.synth.lm.internal.http.HttpClients;
import ai.synth.lm.internal.http.JdkTransport;
import ai.synth.lm.internal.http.LimitedBody;
import ai.synth.lm.internal.http.Request;
import ai.synth.lm.internal.http.Response;
import ai.synth.lm.internal.http.Transport;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** The chat completions endpoint, parsed once. */
    private final URI chatUri;
    private final Transport transport;
    final RetryPolicy retries;
    final Failures failures;
    private final Responses responses;
    /** Reads a 2xx response's completion; made once, not per call. */
    private final SuccessHandler<ChatCompletion> completions;
    private final ScheduledThreadPoolExecutor timers;
    private final Deadlines deadlines;
    private final Set<Runnable> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    /** The provider's header fields: for a JSON POST, for a streamed one, and for a request without a body. */
    private final Headers jsonHeaders;
    private final Headers streamHeaders;
    private final Headers plainHeaders;

    /** An engine for one provider. */
    public HttpEngine(ProviderSettings settings) {
        this.settings = settings;
        this.chatUri = settings.chatUri();
        boolean plain = "http".equalsIgnoreCase(URI.create(settings.apiBase()).getScheme());
        ThreadPoolExecutor workers = HttpClients.workers(settings.provider());
        this.transport = !"jdk".equals(System.getProperty(TRANSPORT_PROPERTY))
                ? new Http1Transport(settings, workers) : new JdkTransport(settings, workers, plain);
        this.retries = new RetryPolicy(settings.maxRetries(), settings.clock());
        this.failures = new Failures(settings);
        this.responses = new Responses(settings, failures);
        this.completions = responses::completion;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synth-lm-timeouts-" + settings.provider());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.deadlines = new Deadlines(timers, settings.timeout());
        String authorization = "Bearer " + settings.apiKey();
        this.plainHeaders = Headers.of("Authorization", authorization, "Accept", "application/json",
                "User-Agent", USER_AGENT);
        this.jsonHeaders = plainHeaders.with("Content-Type", "application/json");
        this.streamHeaders = Headers.of("Authorization", authorization, "Accept", "text/event-stream",
                "User-Agent", USER_AGENT, "Content-Type", "application/json");
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
        return chat(request, ChatAnswer.COMPLETION);
    }

    /** Sends a chat completion as {@link #chat(ChatCompletionRequest)} does; {@code answer} makes what it yields. */
    public <T> CompletableFuture<T> chat(ChatCompletionRequest request, ChatAnswer<T> answer) {
        byte[] body = JsonCodec.writeRequest(request, false);
        ensureOpen();
        CallEvents call = settings.events().start(request, false);
        Request http = call.headers(post(chatUri, body));
        CompletableFuture<T> attempts = new CompletableFuture<>();
        new RetryingCall<>(this, http, BodyMode.WHOLE, answering(answer), attempts, call).attempt(1);
        if (call == CallEvents.NONE) {
            return attempts;
        }
        // The call's end is told before its caller sees the outcome; a caller's cancel still reaches the attempts.
        CompletableFuture<T> result = new CompletableFuture<>();
        attempts.whenComplete((value, error) -> {
            call.outcome(error == null ? answer.completion(value) : null, error);
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
        result.whenComplete((value, error) -> {
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
        return chatBlocking(request, ChatAnswer.COMPLETION);
    }

    /** {@link #chatBlocking(ChatCompletionRequest)}, with {@code answer} making what it yields. */
    public <T> T chatBlocking(ChatCompletionRequest request, ChatAnswer<T> answer) {
        byte[] body = JsonCodec.writeRequest(request, false);
        CallEvents call = settings.events().start(request, false);
        Request http = call.headers(post(chatUri, body));
        CompletableFuture<T> result = RetryingCall.blocking(this, http, BodyMode.WHOLE, answering(answer), call);
        // already complete: told on this thread, before returning
        result.whenComplete((value, error) -> call.outcome(error == null ? answer.completion(value) : null, error));
        return Futures.await(result);
    }

    private <T> SuccessHandler<T> answering(ChatAnswer<T> answer) {
        if (answer == ChatAnswer.COMPLETION) {
            @SuppressWarnings("unchecked")
            SuccessHandler<T> plain = (SuccessHandler<T>) completions;
            return plain;
        }
        return (response, attempts) -> answer.of(responses.completion(response, attempts), response);
    }

    /**
     * The synchronous face of {@link #stream}: sends on the caller's thread (retrying before the first byte) and
     * returns once the headers are in; the caller then reads the events itself, with no thread in between.
     */
    public BlockingStream streamBlocking(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, true);
        ensureOpen();
        CallEvents call = settings.events().start(request, true);
        Request http = call.headers(streamRequest(body));
        CompletableFuture<BlockingStream> opened = RetryingCall.blocking(this, http, BodyMode.STREAM,
                (response, attempts) -> responses.openedBlocking(response, attempts, this, call), call);
        opened.whenComplete((s, e) -> {
            if (e != null) {
                call.ended(Futures.unwrap(e));
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
            new RetryingCall<>(this, call.headers(streamRequest(body)), BodyMode.PUBLISHER, responses::opened, result,
                    call).attempt(1);
            return result;
        });
    }

    private Request streamRequest(byte[] body) {
        return new Request("POST", chatUri, streamHeaders, body);
    }

    /** A JSON POST with the provider's headers. */
    public Request post(URI uri, byte[] body) {
        return new Request("POST", uri, jsonHeaders, body);
    }

    /** A request without a body ({@code GET}, or a {@code POST} that sends none) with the provider's headers. */
    public Request request(String method, URI uri) {
        return new Request(method, uri, plainHeaders, null);
    }

    /**
     * Sends with retries, reading the body whole; {@code onSuccess} turns a 2xx response into the result or throws
     * a typed error. The per-attempt timeout runs until the body is complete.
     */
    public <T> CompletableFuture<T> execute(Request request, SuccessHandler<T> onSuccess) {
        ensureOpen();
        CompletableFuture<T> result = new CompletableFuture<>();
        new RetryingCall<>(this, request, BodyMode.WHOLE, onSuccess, result, CallEvents.NONE).attempt(1);
        return result;
    }

    /**
     * One attempt, bounded by {@code timeout} from sending until the body is read whole (or a live body's head is
     * in). Fails with {@link Failures.ResponseTimeout} when the timeout fires, and is cancelled when the engine
     * closes.
     */
    public CompletableFuture<Response> sendOnce(Request request, BodyMode mode, Duration timeout) {
        CompletableFuture<Response> out = new CompletableFuture<>();
        if (closed.get()) {
            out.completeExceptionally(closedInFlight(0));
            return out;
        }
        CompletableFuture<Response> send = transport.sendAsync(request, mode);
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
                out.completeExceptionally(Futures.unwrap(error));
            } else if (!out.complete(response)) {
                response.discard();
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
     * One attempt on the caller's thread, for the synchronous face. Its deadline (or {@link #close()}) ends it with
     * the transport's abort action (the library's own transport closes the socket); while the transport has none
     * (the JDK client, before the headers) the waiting thread is interrupted, which makes the JDK client abort the
     * exchange, and the interrupt is cleared again before this returns. (The JDK's own request timeout would do the
     * same but costs a selector wake-up per call, halving throughput at 64 threads.) Never throws: the outcome is in
     * the returned, already completed, future.
     */
    CompletableFuture<Response> sendBlocking(Request request, Duration timeout, BodyMode mode) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedInFlight(0));
        }
        BlockingAttempt attempt = new BlockingAttempt(Thread.currentThread());
        Deadlines.Entry deadline = deadlines.add(timeout, () -> attempt.end(new Failures.ResponseTimeout()),
                () -> attempt.end(closedInFlight(0)));
        try {
            return CompletableFuture.completedFuture(
                    transport.send(request, mode, attempt::onAbort));
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
            RuntimeException cause = attempt.ended.get();
            return CompletableFuture.failedFuture(cause != null ? cause : e);
        } finally {
            deadlines.remove(deadline);
            attempt.finish();
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

    /** An attempt reading its body whole, as warmup uses. */
    public CompletableFuture<Response> sendOnce(Request request, Duration timeout) {
        return sendOnce(request, BodyMode.WHOLE, timeout);
    }

    /**
     * A wait on the provider's scheduler that ends at once when the engine closes, so that a call waiting to retry,
     * or a warmup waiting to poll, fails fast instead of outliving its provider. The scheduler's wait is cancelled
     * when the engine closes first, or the returned future is cancelled, so that its timer is freed at once.
     */
    public CompletableFuture<Void> delay(Duration delay) {
        CompletableFuture<Void> wait;
        try {
            wait = settings.scheduler().delay(delay);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> either = wait.applyToEither(closing, ignored -> null);
        either.whenComplete((ignored, failure) -> wait.cancel(false)); // a no-op once the wait is over
        return either;
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

    /** Turns a 2xx response into a result, or throws a {@link SynthLMException}. */
    @FunctionalInterface
    public interface SuccessHandler<T> {
        /** The result of a successful attempt. */
        T handle(Response response, int attempts);
    }
}
