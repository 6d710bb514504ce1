package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Synth provider. Values set on the builder win; unset ones come from the process environment,
 * then from a {@code .env} file in the working directory:
 *
 * <table>
 * <caption>Variables</caption>
 * <tr><th>variable</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code SYNTH_BASE_URL} (or {@code MODAL_BASE_URL})</td><td>backend URL, with or without {@code /v1}</td>
 *     <td>required</td></tr>
 * <tr><td>{@code SYNTH_API_KEY} (or {@code MODAL_API_KEY})</td><td>bearer token</td><td>required</td></tr>
 * <tr><td>{@code SYNTH_TIMEOUT}</td><td>per-attempt timeout in seconds</td><td>120</td></tr>
 * <tr><td>{@code SYNTH_MAX_RETRIES}</td><td>retries after the first attempt</td><td>3</td></tr>
 * </table>
 *
 * <pre>{@code
 * SynthConfig config = SynthConfig.builder()
 *     .baseUrl("https://custom-url.com").apiKey("custom-key")
 *     .timeout(Duration.ofSeconds(60)).maxRetries(5)
 *     .build();
 * }</pre>
 *
 * Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class SynthConfig {

    /** The default per-attempt timeout: 120 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default longest quiet time between two stream events: 60 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The default longest time of a whole stream: 30 minutes. */
    public static final Duration DEFAULT_STREAM_TIMEOUT = Duration.ofMinutes(30);
    /** The default largest response body: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_SIZE = 32L * 1024 * 1024;
    /** The default number of retries: 3. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final int maxRetries;
    private final Duration firstByteTimeout;
    private final Duration idleTimeout;
    private final Duration streamTimeout;
    private final long maxResponseSize;
    private final Clock clock;
    private final Scheduler scheduler;

    private SynthConfig(Builder b, Environment env) {
        String url = b.baseUrl != null ? b.baseUrl : env.first("SYNTH_BASE_URL", "MODAL_BASE_URL");
        if (url == null) {
            throw new ConfigurationException("SYNTH_BASE_URL not found in environment"
                    + " (set it, or MODAL_BASE_URL, in the environment or a .env file)");
        }
        this.baseUrl = Settings.checkUrl(b.baseUrl != null ? "baseUrl" : variableOf(env, "SYNTH_BASE_URL", "MODAL_BASE_URL"), url);
        String key = b.apiKey != null ? b.apiKey : env.first("SYNTH_API_KEY", "MODAL_API_KEY");
        if (key == null) {
            throw new ConfigurationException("SYNTH_API_KEY not found in environment"
                    + " (set it, or MODAL_API_KEY, in the environment or a .env file)");
        }
        this.apiKey = Settings.checkKey(b.apiKey != null ? "apiKey" : variableOf(env, "SYNTH_API_KEY", "MODAL_API_KEY"), key);
        String envTimeout = env.get("SYNTH_TIMEOUT");
        this.timeout = b.timeout != null ? b.timeout
                : envTimeout != null ? Settings.parseSeconds("SYNTH_TIMEOUT", envTimeout) : DEFAULT_TIMEOUT;
        String envRetries = env.get("SYNTH_MAX_RETRIES");
        this.maxRetries = b.maxRetries != null ? b.maxRetries
                : envRetries != null ? Settings.parseRetries("SYNTH_MAX_RETRIES", envRetries) : DEFAULT_MAX_RETRIES;
        this.connectTimeout = b.connectTimeout;
        this.firstByteTimeout = b.firstByteTimeout != null ? b.firstByteTimeout : this.timeout;
        this.idleTimeout = b.idleTimeout;
        this.streamTimeout = b.streamTimeout;
        this.maxResponseSize = b.maxResponseSize;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
    }

    private static String variableOf(Environment env, String primary, String fallback) {
        return env.get(primary) != null ? primary : fallback;
    }

    /**
     * Settings from the environment and {@code .env} alone.
     *
     * @throws ConfigurationException if a required variable is missing or a value is malformed
     */
    public static SynthConfig fromEnv() {
        return builder().build();
    }

    /** A builder; unset values come from the environment when {@link Builder#build()} runs. */
    public static Builder builder() {
        return new Builder();
    }

    /** The backend URL as configured (with or without {@code /v1}). */
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

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder().baseUrl(baseUrl).apiKey(apiKey).timeout(timeout).connectTimeout(connectTimeout)
                .maxRetries(maxRetries).firstByteTimeout(firstByteTimeout).idleTimeout(idleTimeout)
                .streamTimeout(streamTimeout).maxResponseSize(maxResponseSize).clock(clock).scheduler(scheduler);
    }

    @Override
    public String toString() {
        return "SynthConfig[baseUrl=" + baseUrl + ", apiKey=" + Settings.redact(apiKey) + ", timeout=" + timeout
                + ", connectTimeout=" + connectTimeout + ", maxRetries=" + maxRetries + ", firstByteTimeout="
                + firstByteTimeout + ", idleTimeout=" + idleTimeout + ", streamTimeout=" + streamTimeout + "]";
    }

    /** Builds a {@link SynthConfig}. Each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private Duration timeout;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Integer maxRetries;
        private Duration firstByteTimeout;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;
        private long maxResponseSize = SynthConfig.DEFAULT_MAX_RESPONSE_SIZE;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Scheduler.system();
        private Map<String, String> environment;

        private Builder() {}

        /** The backend URL, with or without a trailing {@code /v1}. Default: {@code SYNTH_BASE_URL}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl == null ? null : Settings.checkUrl("baseUrl", baseUrl);
            return this;
        }

        /** The API key. Default: {@code SYNTH_API_KEY}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null ? null : Settings.checkKey("apiKey", apiKey);
            return this;
        }

        /** The per-attempt timeout. Default: {@code SYNTH_TIMEOUT}, else 120 seconds. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout == null ? null : Settings.checkTimeout("timeout", timeout);
            return this;
        }

        /** The timeout for opening a connection. Default 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Settings.checkTimeout("connectTimeout", connectTimeout);
            return this;
        }

        /** Retries after the first attempt, 0 to 100. Default: {@code SYNTH_MAX_RETRIES}, else 3. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = Settings.checkRetries(maxRetries);
            return this;
        }

        /** Streams: the longest wait for the first byte of the body. Default: the request timeout. */
        public Builder firstByteTimeout(Duration firstByteTimeout) {
            this.firstByteTimeout = Settings.checkTimeout("firstByteTimeout", firstByteTimeout);
            return this;
        }

        /** Streams: the longest quiet time between two events. Default 60 seconds. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Settings.checkTimeout("idleTimeout", idleTimeout);
            return this;
        }

        /** Streams: the longest time a whole stream may take. Default 30 minutes. */
        public Builder streamTimeout(Duration streamTimeout) {
            this.streamTimeout = Settings.checkTimeout("streamTimeout", streamTimeout);
            return this;
        }

        /**
         * The largest response body read whole (a completion or an error body; stream events are limited to
         * 16 MiB each). A larger one fails with an {@link InvalidResponseException}. Default 32 MiB.
         */
        public Builder maxResponseSize(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, was " + bytes);
            }
            this.maxResponseSize = bytes;
            return this;
        }

        /** The clock for the warm cache and {@code Retry-After} dates. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The scheduler of retry waits and warmup polls. Default {@link Scheduler#system()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Reads unset values from these variables instead of the process environment and {@code .env}, for
         * settings kept elsewhere (and for tests).
         */
        public Builder environment(Map<String, String> variables) {
            this.environment = Map.copyOf(variables);
            return this;
        }

        /**
         * The settings.
         *
         * @throws ConfigurationException if a required value is missing everywhere or a variable is malformed
         */
        public SynthConfig build() {
            return new SynthConfig(this, environment != null ? Environment.ofMap(environment) : Environment.system());
        }

        SynthConfig build(Environment env) {
            return new SynthConfig(this, env);
        }
    }
}
