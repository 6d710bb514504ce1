package ai.synth.lm;

import ai.synth.lm.internal.http.Proxies;
import ai.synth.lm.internal.Environment;

import ai.synth.lm.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The settings every provider has, and the builder methods that set them; {@link SynthConfig} and
 * {@link OpenAIConfig} add how each reads its own variables and defaults.
 */
abstract class BaseConfig {

    /** The default connect timeout: 10 seconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default longest quiet time between two stream events: 60 seconds. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The default longest time of a whole stream: 30 minutes. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    /** The default largest response body: 32 MiB. */
    static final long MAX_RESPONSE_SIZE = 32L * 1024 * 1024;

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration connectTimeout;
    private final Duration firstByteTimeout;
    private final Duration idleTimeout;
    private final Duration streamTimeout;
    private final long maxResponseSize;
    private final Clock clock;
    private final Scheduler scheduler;
    private final SSLContext sslContext;
    private final Proxies proxies;
    private final LMListener listener;
    private final String deployment;
    private final RouterState sharedState;

    BaseConfig(String baseUrl, String apiKey, Duration timeout, int maxRetries, Builder<?> b, Environment env) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
        this.connectTimeout = b.connectTimeout;
        this.firstByteTimeout = b.firstByteTimeout != null ? b.firstByteTimeout : timeout;
        this.idleTimeout = b.idleTimeout;
        this.streamTimeout = b.streamTimeout;
        this.maxResponseSize = b.maxResponseSize;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.sslContext = b.sslContext;
        this.proxies = Proxies.fromEnvironment(env);
        this.listener = b.listener;
        this.deployment = b.deployment;
        this.sharedState = b.sharedState;
    }

    /** The backend URL as configured. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The API key. Keep it out of logs. */
    public String apiKey() {
        return apiKey;
    }

    /** The per-attempt timeout: the whole response must arrive within it. */
    public Duration timeout() {
        return timeout;
    }

    /** The timeout for opening a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How many times a failed call is retried after the first attempt. */
    public int maxRetries() {
        return maxRetries;
    }

    /** How long a stream may take to send its first byte after the response headers. */
    public Duration firstByteTimeout() {
        return firstByteTimeout;
    }

    /** How long a stream may go quiet between two events. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long a whole stream may take. */
    public Duration streamTimeout() {
        return streamTimeout;
    }

    /** The largest response body read whole, in bytes. */
    public long maxResponseSize() {
        return maxResponseSize;
    }

    /** The clock for the warm cache and {@code Retry-After} dates. */
    public Clock clock() {
        return clock;
    }

    /** The scheduler of retry waits and warmup polls. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * The TLS context of {@code https} connections: its trust material decides which servers are trusted, and its
     * client session cache lets connections resume earlier sessions. Null means the JDK's default context (the
     * default trust store).
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Who is told of each call's steps; {@link LMListener#NONE} by default. */
    public LMListener listener() {
        return listener;
    }

    /** The router deployment this provider serves, for events; null outside a router. */
    String deployment() {
        return deployment;
    }

    /** The proxies from {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, read when built. */
    Proxies proxies() {
        return proxies;
    }

    /**
     * Where warm marks and warmup leases live when shared with other JVMs (e.g. a Redis-backed state from
     * {@code synth-lm-redis}), or null for this process alone.
     */
    public RouterState sharedState() {
        return sharedState;
    }

    /** Copies every setting of this config into {@code b}. */
    <B extends Builder<B>> B copyInto(B b) {
        return b.baseUrl(baseUrl).apiKey(apiKey).timeout(timeout).connectTimeout(connectTimeout).maxRetries(maxRetries)
                .firstByteTimeout(firstByteTimeout).idleTimeout(idleTimeout).streamTimeout(streamTimeout)
                .maxResponseSize(maxResponseSize).clock(clock).scheduler(scheduler).sslContext(sslContext)
                .listener(listener).deployment(deployment)
                .sharedState(sharedState);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[baseUrl=" + baseUrl + ", apiKey=" + Settings.redact(apiKey)
                + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + ", maxRetries=" + maxRetries
                + ", firstByteTimeout=" + firstByteTimeout + ", idleTimeout=" + idleTimeout
                + ", streamTimeout=" + streamTimeout + ", maxResponseSize=" + maxResponseSize + "]";
    }

    /**
     * The builder methods every config has. Each setter checks its value at once. Not thread-safe.
     *
     * @param <B> the concrete builder
     */
    abstract static class Builder<B extends Builder<B>> {
        String baseUrl;
        String apiKey;
        Duration timeout;
        Integer maxRetries;
        private Duration connectTimeout = CONNECT_TIMEOUT;
        private Duration firstByteTimeout;
        private Duration idleTimeout = IDLE_TIMEOUT;
        private Duration streamTimeout = STREAM_TIMEOUT;
        private long maxResponseSize = MAX_RESPONSE_SIZE;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Scheduler.system();
        private SSLContext sslContext;
        private Map<String, String> environment;
        private LMListener listener = LMListener.NONE;
        private String deployment;
        private RouterState sharedState;

        Builder() {}

        abstract B self();

        /** The backend URL. Unset: read from the environment when {@code build()} runs. */
        public B baseUrl(String baseUrl) {
            this.baseUrl = baseUrl == null ? null : Settings.checkUrl("baseUrl", baseUrl);
            return self();
        }

        /** The API key. Unset: read from the environment when {@code build()} runs. */
        public B apiKey(String apiKey) {
            this.apiKey = apiKey == null ? null : Settings.checkKey("apiKey", apiKey);
            return self();
        }

        /** The per-attempt timeout: the whole response must arrive within it. Default 120 seconds. */
        public B timeout(Duration timeout) {
            this.timeout = timeout == null ? null : Settings.checkTimeout("timeout", timeout);
            return self();
        }

        /** The timeout for opening a connection. Default 10 seconds. */
        public B connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Settings.checkTimeout("connectTimeout", connectTimeout);
            return self();
        }

        /** Retries after the first attempt, 0 to 100. */
        public B maxRetries(int maxRetries) {
            this.maxRetries = Settings.checkRetries(maxRetries);
            return self();
        }

        /** Streams: the longest wait for the first byte of the body. Default: the request timeout. */
        public B firstByteTimeout(Duration firstByteTimeout) {
            this.firstByteTimeout = Settings.checkTimeout("firstByteTimeout", firstByteTimeout);
            return self();
        }

        /** Streams: the longest quiet time between two events. Default 60 seconds. */
        public B idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Settings.checkTimeout("idleTimeout", idleTimeout);
            return self();
        }

        /** Streams: the longest time a whole stream may take. Default 30 minutes. */
        public B streamTimeout(Duration streamTimeout) {
            this.streamTimeout = Settings.checkTimeout("streamTimeout", streamTimeout);
            return self();
        }

        /**
         * The largest response body read whole (a completion or an error body; stream events are limited to
         * 16 MiB each). A larger one fails with an {@link InvalidResponseException}. Default 32 MiB.
         */
        public B maxResponseSize(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, was " + bytes);
            }
            this.maxResponseSize = bytes;
            return self();
        }

        /** The clock for the warm cache and {@code Retry-After} dates. Default the system UTC clock. */
        public B clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return self();
        }

        /** The scheduler of retry waits and warmup polls. Default {@link Scheduler#system()}. */
        public B scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return self();
        }

        /**
         * The TLS context for {@code https} connections, e.g. one that trusts a private CA or presents a client
         * certificate. Hostname verification stays on whatever the context trusts. Default: the JDK's default
         * context, which trusts the JDK's default trust store ({@code javax.net.ssl.trustStore} when set).
         *
         * @param sslContext an initialised context, or null for the default
         */
        public B sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return self();
        }

        /**
         * Who is told of each call's start and end, attempts, retries and connections: see {@link LMListener} (it
         * must be quick, and runs on the threads making the calls). Several at once: {@link LMListener#of}.
         * Default {@link LMListener#NONE}.
         */
        public B listener(LMListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener: use LMListener.NONE for none");
            return self();
        }

        /** The router deployment this provider serves, named in its events. */
        B deployment(String deployment) {
            this.deployment = deployment;
            return self();
        }

        /**
         * A state shared with other JVMs for warm marks: a model warmed by any of them is warm for all for 10
         * minutes, and concurrent warmups send one start request. Null (the default): warm marks live in this
         * process only.
         */
        public B sharedState(RouterState sharedState) {
            this.sharedState = sharedState;
            return self();
        }

        /**
         * Reads unset values from these variables instead of the process environment and {@code .env}, for
         * settings kept elsewhere (and for tests).
         */
        public B environment(Map<String, String> variables) {
            this.environment = Map.copyOf(variables);
            return self();
        }

        /** Where unset values come from. */
        Environment environment() {
            return environment != null ? Environment.ofMap(environment) : Environment.system();
        }
    }
}
