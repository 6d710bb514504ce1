package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the OpenAI provider (or any OpenAI-compatible server). Values set on the builder win; unset ones
 * come from the process environment, then from a {@code .env} file: {@code OPENAI_API_KEY} (required) and
 * {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}). The timeout defaults to 120 seconds and
 * retries to 2, as in OpenAI's own SDKs.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class OpenAIConfig {

    /** OpenAI's API base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The default longest quiet time between two stream events: 60 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = SynthConfig.DEFAULT_IDLE_TIMEOUT;
    /** The default longest time of a whole stream: 30 minutes. */
    public static final Duration DEFAULT_STREAM_TIMEOUT = SynthConfig.DEFAULT_STREAM_TIMEOUT;
    /** The default number of retries: 2. */
    public static final int DEFAULT_MAX_RETRIES = 2;

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

    private OpenAIConfig(Builder b, Environment env) {
        String url = b.baseUrl != null ? b.baseUrl : env.get("OPENAI_BASE_URL");
        this.baseUrl = url == null ? DEFAULT_BASE_URL
                : Settings.checkUrl(b.baseUrl != null ? "baseUrl" : "OPENAI_BASE_URL", url);
        String key = b.apiKey != null ? b.apiKey : env.get("OPENAI_API_KEY");
        if (key == null) {
            throw new ConfigurationException("OPENAI_API_KEY not found in environment"
                    + " (set it in the environment or a .env file)");
        }
        this.apiKey = Settings.checkKey(b.apiKey != null ? "apiKey" : "OPENAI_API_KEY", key);
        this.timeout = b.timeout;
        this.connectTimeout = b.connectTimeout;
        this.maxRetries = b.maxRetries;
        this.firstByteTimeout = b.firstByteTimeout != null ? b.firstByteTimeout : this.timeout;
        this.idleTimeout = b.idleTimeout;
        this.streamTimeout = b.streamTimeout;
        this.maxResponseSize = b.maxResponseSize;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
    }

    /**
     * Settings from the environment and {@code .env} alone.
     *
     * @throws ConfigurationException if {@code OPENAI_API_KEY} is missing or a value is malformed
     */
    public static OpenAIConfig fromEnv() {
        return builder().build();
    }

    /** A builder; unset values come from the environment when {@link Builder#build()} runs. */
    public static Builder builder() {
        return new Builder();
    }

    /** The API base URL, e.g. {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The API key. Keep it out of logs. */
    public String apiKey() {
        return apiKey;
    }

    /** The per-attempt timeout. */
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

    /** The clock for {@code Retry-After} dates. */
    public Clock clock() {
        return clock;
    }

    /** The scheduler of retry waits. */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public String toString() {
        return "OpenAIConfig[baseUrl=" + baseUrl + ", apiKey=" + Settings.redact(apiKey) + ", timeout=" + timeout
                + ", connectTimeout=" + connectTimeout + ", maxRetries=" + maxRetries + ", firstByteTimeout="
                + firstByteTimeout + ", idleTimeout=" + idleTimeout + ", streamTimeout=" + streamTimeout + "]";
    }

    /** Builds an {@link OpenAIConfig}. Each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private Duration timeout = SynthConfig.DEFAULT_TIMEOUT;
        private Duration connectTimeout = SynthConfig.DEFAULT_CONNECT_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration firstByteTimeout;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;
        private long maxResponseSize = SynthConfig.DEFAULT_MAX_RESPONSE_SIZE;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Scheduler.system();
        private Map<String, String> environment;

        private Builder() {}

        /** The API base URL including {@code /v1}. Default: {@code OPENAI_BASE_URL}, else OpenAI's. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl == null ? null : Settings.checkUrl("baseUrl", baseUrl);
            return this;
        }

        /** The API key. Default: {@code OPENAI_API_KEY}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null ? null : Settings.checkKey("apiKey", apiKey);
            return this;
        }

        /** The per-attempt timeout. Default 120 seconds. */
        public Builder timeout(Duration timeout) {
            this.timeout = Settings.checkTimeout("timeout", timeout);
            return this;
        }

        /** The timeout for opening a connection. Default 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Settings.checkTimeout("connectTimeout", connectTimeout);
            return this;
        }

        /** Retries after the first attempt, 0 to 100. Default 2. */
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

        /** The clock for {@code Retry-After} dates. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The scheduler of retry waits. Default {@link Scheduler#system()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Reads unset values from these variables instead of the process environment and {@code .env}. */
        public Builder environment(Map<String, String> variables) {
            this.environment = Map.copyOf(variables);
            return this;
        }

        /**
         * The settings.
         *
         * @throws ConfigurationException if the key is missing everywhere or a variable is malformed
         */
        public OpenAIConfig build() {
            return new OpenAIConfig(this, environment != null ? Environment.ofMap(environment) : Environment.system());
        }
    }
}
