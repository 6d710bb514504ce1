package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Settings;
import java.time.Duration;

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
public final class SynthConfig extends BaseConfig {

    /** The default per-attempt timeout: 120 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = CONNECT_TIMEOUT;
    /** The default longest quiet time between two stream events: 60 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = IDLE_TIMEOUT;
    /** The default longest time of a whole stream: 30 minutes. */
    public static final Duration DEFAULT_STREAM_TIMEOUT = STREAM_TIMEOUT;
    /** The default largest response body: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_SIZE = MAX_RESPONSE_SIZE;
    /** The default number of retries: 3. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    private SynthConfig(Builder b, Environment env) {
        super(baseUrl(b, env), apiKey(b, env), timeout(b, env), maxRetries(b, env), b, env);
    }

    private static String baseUrl(Builder b, Environment env) {
        if (b.baseUrl != null) {
            return b.baseUrl;
        }
        String variable = env.get("SYNTH_BASE_URL") != null ? "SYNTH_BASE_URL" : "MODAL_BASE_URL";
        String url = env.get(variable);
        if (url == null) {
            throw new ConfigurationException("SYNTH_BASE_URL not found in environment"
                    + " (set it, or MODAL_BASE_URL, in the environment or a .env file)");
        }
        return Settings.checkUrl(variable, url);
    }

    private static String apiKey(Builder b, Environment env) {
        if (b.apiKey != null) {
            return b.apiKey;
        }
        String variable = env.get("SYNTH_API_KEY") != null ? "SYNTH_API_KEY" : "MODAL_API_KEY";
        String key = env.get(variable);
        if (key == null) {
            throw new ConfigurationException("SYNTH_API_KEY not found in environment"
                    + " (set it, or MODAL_API_KEY, in the environment or a .env file)");
        }
        return Settings.checkKey(variable, key);
    }

    private static Duration timeout(Builder b, Environment env) {
        String value = env.get("SYNTH_TIMEOUT");
        return b.timeout != null ? b.timeout
                : value != null ? Settings.parseSeconds("SYNTH_TIMEOUT", value) : DEFAULT_TIMEOUT;
    }

    private static int maxRetries(Builder b, Environment env) {
        String value = env.get("SYNTH_MAX_RETRIES");
        return b.maxRetries != null ? b.maxRetries
                : value != null ? Settings.parseRetries("SYNTH_MAX_RETRIES", value) : DEFAULT_MAX_RETRIES;
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

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    /**
     * Builds a {@link SynthConfig}: {@code baseUrl} defaults to {@code SYNTH_BASE_URL}, {@code apiKey} to
     * {@code SYNTH_API_KEY}, {@code timeout} to {@code SYNTH_TIMEOUT} (else 120 seconds) and {@code maxRetries} to
     * {@code SYNTH_MAX_RETRIES} (else 3). Each setter checks its value at once. Not thread-safe.
     */
    public static final class Builder extends BaseConfig.Builder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * The settings.
         *
         * @throws ConfigurationException if a required value is missing everywhere or a variable is malformed
         */
        public SynthConfig build() {
            return new SynthConfig(this, environment());
        }

        SynthConfig build(Environment env) {
            return new SynthConfig(this, env);
        }
    }
}
