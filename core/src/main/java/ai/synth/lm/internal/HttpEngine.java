package ai.synth.lm.internal;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one engine behind every provider: JSON over the JDK {@link HttpClient}, a per-attempt timeout, and retries
 * scheduled on the provider's {@link ai.synth.lm.Scheduler} (never a blocked thread). Thread-safe.
 */
public final class HttpEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEngine.class);
    private static final String USER_AGENT = "synth-lm-java/" + Version.VERSION;
    private static final int WORKERS = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

    private final ProviderSettings settings;
    private final HttpClient http;
    private final RetryPolicy retries;
    private final Failures failures;
    private final ScheduledThreadPoolExecutor timers;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    private final ThreadPoolExecutor workers;

    /** An engine for one provider. */
    public HttpEngine(ProviderSettings settings) {
        this.settings = settings;
        boolean plain = "http".equalsIgnoreCase(URI.create(settings.apiBase()).getScheme());
        this.workers = workers(settings.provider());
        this.http = HttpClient.newBuilder()
                .executor(workers)
                .connectTimeout(settings.connectTimeout())
                .version(plain ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retries = new RetryPolicy(settings.maxRetries(), settings.clock());
        this.failures = new Failures(settings);
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synth-lm-timeouts-" + settings.provider());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        if (plain && !isLoopback(settings.apiBase())) {
            log.warn("The {} base URL {} is plain http and not loopback: the API key will be sent in clear text",
                    settings.provider(), settings.apiBase());
        }
    }

    /** The provider settings. */
    public ProviderSettings settings() {
        return settings;
    }

    /** Sends a chat completion, retrying as the contract says. */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request) {
        HttpRequest http = post(settings.chatUri(), JsonCodec.writeRequest(request, false));
        return execute(http, this::parseCompletion);
    }

    /** Opens a streamed chat completion; the request is sent when the returned publisher is subscribed to. */
    public ChunkStream stream(ChatCompletionRequest request) {
        byte[] body = JsonCodec.writeRequest(request, true);
        ensureOpen();
        HttpRequest http = request(settings.chatUri()).setHeader("Accept", "text/event-stream")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return new ChunkStream(this, () -> execute(http, StreamBody.handler(settings.maxResponseSize()), StreamBody::bytes,
                this::opened));
    }

    private ChunkStream.Opened opened(HttpResponse<StreamBody> response, int attempts) {
        StreamBody body = response.body();
        if (body.live() != null) {
            return new ChunkStream.Opened(body.live(), attempts);
        }
        byte[] bytes = body.bytes();
        Object json = null;
        try {
            json = JsonValueIO.parse(bytes);
        } catch (IOException | RuntimeException notJson) {
            // described below
        }
        if (Failures.messageOf(json) != null) {
            throw failures.status(response, bytes, attempts);
        }
        throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                + " with " + response.headers().firstValue("content-type").orElse("no content type")
                + " instead of an event stream (text/event-stream); the backend may not support streaming",
                null, settings.provider(), response.statusCode(),
                response.headers().firstValue("x-request-id").orElse(null), attempts);
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
        new Call<>(request, handler, errorBody, onSuccess, result).attempt(1);
        return result;
    }

    /** One logical call: its attempts, until a result or a final failure. */
    private final class Call<B, T> {
        private final HttpRequest request;
        private final HttpResponse.BodyHandler<B> handler;
        private final Function<B, byte[]> errorBody;
        private final SuccessHandler<B, T> onSuccess;
        private final CompletableFuture<T> result;

        Call(HttpRequest request, HttpResponse.BodyHandler<B> handler, Function<B, byte[]> errorBody,
                SuccessHandler<B, T> onSuccess, CompletableFuture<T> result) {
            this.request = request;
            this.handler = handler;
            this.errorBody = errorBody;
            this.onSuccess = onSuccess;
            this.result = result;
        }

        void attempt(int attempt) {
            if (closed.get()) {
                result.completeExceptionally(closedInFlight(attempt - 1));
                return;
            }
            if (result.isDone()) {
                return; // cancelled by the caller
            }
            long started = System.nanoTime();
            sendOnce(request, handler, settings.timeout()).whenComplete((response, error) -> {
                if (log.isDebugEnabled()) {
                    log.debug("{} {} {} -> {} in {} ms (attempt {})", settings.provider(), request.method(),
                            request.uri().getPath(), error != null ? unwrap(error).toString() : response.statusCode(),
                            (System.nanoTime() - started) / 1_000_000, attempt);
                }
                if (error != null) {
                    onFailure(attempt, unwrap(error));
                } else if (response.statusCode() / 100 == 2) {
                    try {
                        if (!result.complete(onSuccess.handle(response, attempt))) {
                            discard(response); // the caller gave up meanwhile
                        }
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                } else if (RetryPolicy.isRetryable(response.statusCode(), response.headers())
                        && attempt <= retries.maxRetries()) {
                    retryLater(attempt, retries.delay(attempt, response.headers()), "HTTP " + response.statusCode());
                } else {
                    result.completeExceptionally(failures.status(response, errorBody.apply(response.body()), attempt));
                }
            });
        }

        private void onFailure(int attempt, Throwable cause) {
            if (Failures.isRetryable(cause) && attempt <= retries.maxRetries() && !closed.get()) {
                retryLater(attempt, retries.delay(attempt, null), cause.toString());
            } else {
                result.completeExceptionally(closed.get() ? closedInFlight(attempt) : failures.noResponse(cause, attempt));
            }
        }

        private void retryLater(int attempt, Duration delay, String reason) {
            log.debug("Retrying {} request to {} in {} ms after {} (retry {} of {})", settings.provider(),
                    request.uri().getPath(), delay.toMillis(), reason, attempt, retries.maxRetries());
            delay(delay).whenComplete((ignored, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    attempt(attempt + 1); // fails at once if the engine closed meanwhile
                }
            });
        }
    }

    /**
     * One attempt, bounded by {@code timeout} from sending until the handler's body is complete. Fails with
     * {@link Failures.ResponseTimeout} when the timeout fires, and is cancelled when the engine closes.
     */
    public <B> CompletableFuture<HttpResponse<B>> sendOnce(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Duration timeout) {
        CompletableFuture<HttpResponse<B>> out = new CompletableFuture<>();
        inFlight.add(out);
        if (closed.get()) { // close() may have passed the set before the add, and its timers no longer run
            inFlight.remove(out);
            out.completeExceptionally(closedInFlight(0));
            return out;
        }
        CompletableFuture<HttpResponse<B>> send = http.sendAsync(request, handler);
        ScheduledFuture<?> timer;
        try {
            timer = timers.schedule(() -> {
                if (out.completeExceptionally(new Failures.ResponseTimeout())) {
                    send.cancel(true);
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closedMeanwhile) { // close() has failed out already
            out.completeExceptionally(closedInFlight(0));
            send.cancel(true);
            return out;
        }
        send.whenComplete((response, error) -> {
            timer.cancel(false);
            if (error != null) {
                out.completeExceptionally(unwrap(error));
            } else if (!out.complete(response)) {
                discard(response);
            }
        });
        out.whenComplete((r, e) -> {
            inFlight.remove(out);
            if (e != null) {
                send.cancel(true);
            }
        });
        return out;
    }

    /** A byte-array attempt, as warmup uses. */
    public CompletableFuture<HttpResponse<byte[]>> sendOnce(HttpRequest request, Duration timeout) {
        return sendOnce(request, LimitedBody.handler(settings.maxResponseSize()), timeout);
    }

    /** Releases a streamed body that arrived after its call was given up. */
    private static void discard(HttpResponse<?> response) {
        Object body = response.body() instanceof StreamBody stream ? stream.live() : response.body();
        if (body instanceof Flow.Publisher<?> publisher) {
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
        return inFlight.size();
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

    private ChatCompletion parseCompletion(HttpResponse<byte[]> response, int attempts) {
        byte[] body = response.body();
        String requestId = response.headers().firstValue("x-request-id").orElse(null);
        if (body == null || body.length == 0) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                    + " with an empty body instead of a chat completion", null, settings.provider(),
                    response.statusCode(), requestId, attempts);
        }
        ChatCompletion completion;
        try {
            completion = JsonCodec.readCompletion(body);
        } catch (IOException | RuntimeException e) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                    + " with a body that is not a valid chat completion (" + body.length + " bytes): "
                    + failures.scrub(e.getMessage()), failures.keyFreeCause(e), settings.provider(),
                    response.statusCode(), requestId, attempts);
        }
        if (completion.choices().isEmpty() && completion.additionalProperties().containsKey("error")) {
            throw failures.status(response, body, attempts);
        }
        return completion;
    }

    private ConnectionException closedInFlight(int attempts) {
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
        for (CompletableFuture<?> call : inFlight) {
            call.completeExceptionally(closedInFlight(0));
        }
        closing.complete(null); // ends the waits between attempts
        openStreams.forEach(Runnable::run);
        timers.shutdownNow();
        workers.shutdown(); // on JDK 17 the client cannot be shut down, but its threads end here
        shutdownClient(http);
    }

    /**
     * The HTTP client's threads: at most {@link #WORKERS}, idle ones ending after a minute. The JDK's default, a
     * cached pool, grew to some 700 threads at 512 concurrent calls (LoadTest); the engine's own callbacks never
     * block, and callers' dependent stages should not either.
     */
    private static ThreadPoolExecutor workers(String provider) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "synth-lm-http-" + provider + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** On JDK 21 and later the HTTP client can be shut down; on 17 it is released when unreachable. */
    private static void shutdownClient(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException onJdk17) {
            // nothing to do: the selector thread ends once the client is unreachable
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not shut the HTTP client down", e);
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether the host is {@code localhost} or a loopback IP literal, not a name like {@code 127.0.0.1.example.com}. */
    private static boolean isLoopback(String url) {
        String host = URI.create(url).getHost();
        if (host == null) {
            return false;
        }
        if (host.startsWith("[")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
            } catch (UnknownHostException notAnAddress) {
                return false;
            }
        }
        return host.equalsIgnoreCase("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** Turns a 2xx response into a result, or throws a {@link SynthLMException}. */
    @FunctionalInterface
    public interface SuccessHandler<B, T> {
        /** The result of a successful attempt. */
        T handle(HttpResponse<B> response, int attempts);
    }

}
