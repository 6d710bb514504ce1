package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Settings;
import java.time.Duration;

/**
 * Settings of the OpenAI provider (or any OpenAI-compatible server). Values set on the builder win; unset ones
 * come from the process environment, then from a {@code .env} file: {@code OPENAI_API_KEY} (required) and
 * {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}). The timeout defaults to 120 seconds and
 * retries to 2, as in OpenAI's own SDKs.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class OpenAIConfig extends BaseConfig {

    /** OpenAI's API base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The default longest quiet time between two stream events: 60 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = IDLE_TIMEOUT;
    /** The default longest time of a whole stream: 30 minutes. */
    public static final Duration DEFAULT_STREAM_TIMEOUT = STREAM_TIMEOUT;
    /** The default number of retries: 2. */
    public static final int DEFAULT_MAX_RETRIES = 2;

    private OpenAIConfig(Builder b, Environment env) {
        super(baseUrl(b, env), apiKey(b, env), b.timeout != null ? b.timeout : SynthConfig.DEFAULT_TIMEOUT,
                b.maxRetries != null ? b.maxRetries : DEFAULT_MAX_RETRIES, b, env);
    }

    private static String baseUrl(Builder b, Environment env) {
        if (b.baseUrl != null) {
            return b.baseUrl;
        }
        String url = env.get("OPENAI_BASE_URL");
        return url == null ? DEFAULT_BASE_URL : Settings.checkUrl("OPENAI_BASE_URL", url);
    }

    private static String apiKey(Builder b, Environment env) {
        if (b.apiKey != null) {
            return b.apiKey;
        }
        String key = env.get("OPENAI_API_KEY");
        if (key == null) {
            throw new ConfigurationException("OPENAI_API_KEY not found in environment"
                    + " (set it in the environment or a .env file)");
        }
        return Settings.checkKey("OPENAI_API_KEY", key);
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

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    /**
     * Builds an {@link OpenAIConfig}: {@code baseUrl} defaults to {@code OPENAI_BASE_URL} (else OpenAI's),
     * {@code apiKey} to {@code OPENAI_API_KEY}, {@code timeout} to 120 seconds and {@code maxRetries} to 2. Each
     * setter checks its value at once. Not thread-safe.
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
         * @throws ConfigurationException if the key is missing everywhere or a variable is malformed
         */
        public OpenAIConfig build() {
            return new OpenAIConfig(this, environment());
        }
    }
}
