package ai.synth.lm.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI-compatible and Synth-warmup-compatible HTTP/1.1 server on {@code 127.0.0.1}, for tests and demos:
 * a deterministic <em>simulator</em>, not a model. Its text answers say they come from the synth-lm local
 * simulator; it calls offered tools when the user asks for them, with arguments taken from the user's words.
 *
 * <p>It serves {@code POST /v1/chat/completions} (JSON, or server-sent events with {@code "stream": true}),
 * {@code GET /v1/models} (both also without {@code /v1}), {@code POST /warmup/{model}} and
 * {@code GET /warmup/status/{model}}. Models start cold; a warmup or the first chat request warms them.
 * Scripted {@link Fault}s make the next matching request fail, and every request is recorded.
 *
 * <pre>{@code
 * try (LocalBackend backend = LocalBackend.builder().apiKey("secret").build().start()) {
 *     backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
 *     // point a client at backend.baseUrl() + "/v1" ...
 *     assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer secret");
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests are served concurrently, and faults, warm states and recordings may be changed
 * and read from any thread while it runs.
 */
public final class LocalBackend implements AutoCloseable {

    private final BackendConfig config;
    private final TlsCertificate tls; // null: plain http
    private final FaultQueue faults = new FaultQueue();
    private final RequestLog log;
    private final ModelStates models;
    private SocketServer server; // guarded by this
    private boolean closed; // guarded by this

    private LocalBackend(BackendConfig config, TlsCertificate tls) {
        this.config = config;
        this.tls = tls;
        this.log = new RequestLog(config.recordBodies());
        this.models = new ModelStates(config.coldStart(), config.warmAfterPolls(), System::nanoTime);
    }

    /**
     * Starts a builder with the defaults: ephemeral port, no API key, no cold start, no models listed, no
     * delay between stream chunks.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(BackendConfig.defaults());
    }

    /**
     * Binds the port on {@code 127.0.0.1} and starts serving.
     *
     * @return this backend, started
     * @throws IllegalStateException if it was started before (a backend starts once)
     * @throws UncheckedIOException if the port cannot be bound
     */
    public synchronized LocalBackend start() {
        if (server != null || closed) {
            throw new IllegalStateException("this LocalBackend was already started or closed; build a new one");
        }
        try {
            server = new SocketServer(config.port(), new Router(config, faults, log, models),
                    tls == null ? null : tls.serverContext());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port(), e);
        }
        return this;
    }

    /**
     * Returns the base URL, without a trailing slash and without {@code /v1}; OpenAI-style clients want
     * {@code baseUrl() + "/v1"}.
     *
     * @return e.g. {@code http://127.0.0.1:52311}, or {@code https://...} when built with {@link Builder#tls}
     * @throws IllegalStateException if the backend was not started
     */
    public String baseUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port();
    }

    /**
     * Returns how many connections clients opened to this backend since it started, e.g. to check that a client
     * reuses its keep-alive connections.
     *
     * @return the number of connections accepted
     * @throws IllegalStateException if the backend was not started
     */
    public synchronized int connectionsAccepted() {
        if (server == null) {
            throw new IllegalStateException("this LocalBackend is not started; call start() first");
        }
        return server.acceptedConnections();
    }

    /**
     * Returns the certificate this backend presents, for a client context that trusts it.
     *
     * @return the certificate, or null when the backend serves plain http
     */
    public TlsCertificate certificate() {
        return tls;
    }

    /**
     * Returns the port the backend listens on; the bound one when the builder asked for port 0.
     *
     * @return the port
     * @throws IllegalStateException if the backend was not started
     */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("this LocalBackend is not started; call start() first");
        }
        return server.port();
    }

    /**
     * Queues a fault for the next {@code POST /v1/chat/completions} (or {@code /chat/completions}) that has
     * none: faults are used in FIFO order, each once. Stream faults wait for a streaming request.
     *
     * @param fault the fault; not null
     */
    public void enqueue(Fault fault) {
        faults.add(null, Objects.requireNonNull(fault, "fault"));
    }

    /**
     * Queues a fault for the next request, of any method, whose path starts with {@code pathPrefix} (the
     * path as sent or URL-decoded), e.g. {@code enqueueFor("/warmup/", Fault.status(404))}.
     *
     * @param pathPrefix the path prefix, starting with {@code /}
     * @param fault the fault; not null
     * @throws IllegalArgumentException if the prefix does not start with {@code /}
     */
    public void enqueueFor(String pathPrefix, Fault fault) {
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix must start with '/', was '" + pathPrefix + "'");
        }
        faults.add(pathPrefix, Objects.requireNonNull(fault, "fault"));
    }

    /**
     * Makes the model's warmup fail: from now on its status endpoint reports
     * {@code {"status":"failed","error":error}}, until {@link #setWarm(String, boolean)}. Chat requests for
     * it are still answered.
     *
     * @param model the model name, e.g. {@code Qwen/Qwen2.5-7B-Instruct}
     * @param error the error the status reports
     */
    public void failWarmup(String model, String error) {
        models.fail(Objects.requireNonNull(model, "model"), Objects.requireNonNull(error, "error"));
    }

    /**
     * Tells whether the model is warm now (a cold start that has run its time counts as warm).
     *
     * @param model the model name
     * @return true if warm
     */
    public boolean isWarm(String model) {
        return models.isWarm(Objects.requireNonNull(model, "model"));
    }

    /**
     * Sets the model warm or cold at once, clearing any warmup in progress or failure.
     *
     * @param model the model name
     * @param warm true for warm, false for cold
     */
    public void setWarm(String model, boolean warm) {
        models.setWarm(Objects.requireNonNull(model, "model"), warm);
    }

    /**
     * Returns every request received since the start or the last {@link #clearRequests()}, in arrival order,
     * including those answered with a fault or an error. Their bodies are there unless the backend was built with
     * {@link Builder#recordBodies(boolean) recordBodies(false)}.
     *
     * @return an immutable snapshot
     */
    public List<RecordedRequest> requests() {
        return log.all();
    }

    /**
     * Returns the most recent request.
     *
     * @return the request
     * @throws IllegalStateException if no request was received (since the last {@link #clearRequests()})
     */
    public RecordedRequest lastRequest() {
        return log.last();
    }

    /**
     * Counts the recorded requests whose path (as sent, or URL-decoded) starts with the prefix.
     *
     * @param pathPrefix e.g. {@code /warmup/status/}
     * @return the count
     */
    public int requestCount(String pathPrefix) {
        return log.count(Objects.requireNonNull(pathPrefix, "pathPrefix"));
    }

    /** Forgets the recorded requests; request numbers keep counting up. */
    public void clearRequests() {
        log.clear();
    }

    /**
     * Stops accepting, closes every open connection (ending stalled streams and waits) and waits for the
     * backend's threads to end. Idempotent; a backend that was never started just becomes unusable.
     */
    @Override
    public void close() {
        SocketServer running;
        synchronized (this) {
            closed = true;
            running = server;
        }
        if (running != null) {
            running.close();
        }
    }

    /** @return a description with the port and settings, never the API key */
    @Override
    public synchronized String toString() {
        return "LocalBackend[" + (server == null ? "not started" : baseUrl()) + ", apiKey "
                + (config.apiKey() == null ? "none" : "set") + ", coldStart " + config.coldStart()
                + ", warmAfterPolls " + config.warmAfterPolls() + (closed ? ", closed" : "") + "]";
    }

    /**
     * Builds a {@link LocalBackend}. Each setter checks its value at once and returns this builder. Not
     * thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {

        private BackendConfig config;
        private TlsCertificate tls;

        private Builder(BackendConfig config) {
            this.config = config;
        }

        /**
         * Sets the port to listen on, on {@code 127.0.0.1} only. The default is 0: an ephemeral port.
         *
         * @param port from 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
            }
            config = config.withPort(port);
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <apiKey>} on every request; others get 401 with an
         * OpenAI-style error ({@code code: invalid_api_key}). The default is null: no check.
         *
         * @param apiKey the key, or null for no check; not empty
         * @return this builder
         * @throws IllegalArgumentException if empty
         */
        public Builder apiKey(String apiKey) {
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank; use null for no key check");
            }
            config = config.withApiKey(apiKey);
            return this;
        }

        /**
         * Sets the real time a cold model takes to warm, counted from the warmup start or the first chat
         * request (which waits for it). The default is {@link Duration#ZERO}.
         *
         * @param coldStart not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder coldStart(Duration coldStart) {
            config = config.withColdStart(Pause.requireNotNegative(coldStart, "coldStart"));
            return this;
        }

        /**
         * Makes a warming model warm on its N-th status poll instead of after {@link #coldStart(Duration)},
         * so tests need not wait; chat requests then warm a model at once. The default is 0: cold start only.
         *
         * @param polls not negative; 0 turns polling-based warming off
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder warmAfterPolls(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("warmAfterPolls must not be negative, was " + polls);
            }
            config = config.withWarmAfterPolls(polls);
            return this;
        }

        /**
         * Sets the model names {@code GET /v1/models} lists. Requests may name any model anyway. The default
         * is an empty list.
         *
         * @param models the names; no nulls; copied
         * @return this builder
         */
        public Builder models(List<String> models) {
            config = config.withModels(models);
            return this;
        }

        /**
         * Sets the real-time delay between server-sent events of a streamed answer. The default is
         * {@link Duration#ZERO}.
         *
         * @param delay not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder streamChunkDelay(Duration delay) {
            config = config.withStreamChunkDelay(Pause.requireNotNegative(delay, "streamChunkDelay"));
            return this;
        }

        /**
         * Sets whether each recorded request keeps its body. The default is true; false keeps the method, path,
         * headers and body size of each request but not the body, so that a long run of large requests (a batch
         * of megabyte prompts, say) does not hold them all in memory; {@link RecordedRequest#body()} then throws.
         *
         * @param recordBodies false to drop request bodies once they are answered
         * @return this builder
         */
        public Builder recordBodies(boolean recordBodies) {
            config = config.withRecordBodies(recordBodies);
            return this;
        }

        /**
         * Serves {@code https} (HTTP/1.1 over TLS) with {@code certificate} instead of plain http, e.g.
         * {@link TlsCertificate#forLoopback()}; clients trust it through {@link TlsCertificate#clientContext()}.
         * The default is null: plain http.
         *
         * @param certificate the certificate to present, or null for plain http
         * @return this builder
         */
        public Builder tls(TlsCertificate certificate) {
            this.tls = certificate;
            return this;
        }

        /**
         * Builds a backend with these settings; call {@link LocalBackend#start()} to serve.
         *
         * @return a new, not yet started backend
         */
        public LocalBackend build() {
            return new LocalBackend(config, tls);
        }
    }
}
