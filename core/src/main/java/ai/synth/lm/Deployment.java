package ai.synth.lm;

import ai.synth.lm.internal.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * One backend serving a {@link Router} model group: which provider speaks to it, the model name it is sent, where
 * it is and its limits. A deployment owns its own provider (and so its own connection pool) inside the router.
 *
 * <pre>{@code
 * Deployment replica = Deployment.builder("chat", "openai", "Qwen/Qwen2.5-7B-Instruct")
 *         .id("vllm-a").baseUrl("http://10.0.0.5:8000/v1").apiKey(key).rpm(600).build();
 * }</pre>
 *
 * <p>Optional numbers are 0 when unset: no weight (shuffle by rpm, then tpm, then uniformly), no rpm, tpm or
 * parallel-request limit. The API key never appears in {@link #toString()}.
 *
 * @param id the deployment's unique id (LiteLLM's {@code model_info.id}); also its key in the router state
 * @param modelGroup the model group callers name in {@code request.model()}
 * @param provider {@code openai} (any OpenAI-compatible server) or {@code synth}
 * @param model the model name sent to the backend
 * @param baseUrl the backend URL, or null for the provider's default from the environment
 * @param apiKey the key, or null for the provider's default from the environment (a keyless server gets a
 *        placeholder when the provider needs one)
 * @param weight the simple-shuffle weight, 0 for none
 * @param rpm requests per minute allowed, 0 for no limit
 * @param tpm tokens per minute allowed, 0 for no limit
 * @param maxParallelRequests calls in flight allowed, 0 for no limit
 * @param timeout the per-attempt timeout, or null for the router's
 */
public record Deployment(String id, String modelGroup, String provider, String model, String baseUrl, String apiKey,
        double weight, int rpm, long tpm, int maxParallelRequests, Duration timeout) {

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field when one is missing or out of range
     */
    public Deployment {
        requireText("id", id);
        requireText("modelGroup", modelGroup);
        requireText("model", model);
        if (!"openai".equals(provider) && !"synth".equals(provider)) {
            throw new IllegalArgumentException("provider must be \"openai\" or \"synth\", was "
                    + (provider == null ? "null" : "\"" + provider + "\""));
        }
        if (baseUrl != null) {
            baseUrl = Settings.checkUrl("baseUrl of deployment " + id, baseUrl);
        }
        if (apiKey != null) {
            apiKey = Settings.checkKey("apiKey of deployment " + id, apiKey);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight of deployment " + id + " must be a number >= 0, was " + weight);
        }
        requireNotNegative(id, "rpm", rpm);
        requireNotNegative(id, "tpm", tpm);
        requireNotNegative(id, "maxParallelRequests", maxParallelRequests);
        if (timeout != null) {
            Settings.checkTimeout("timeout of deployment " + id, timeout);
        }
    }

    /** A builder for a deployment of {@code modelGroup} served by {@code provider} as {@code model}; id = model. */
    public static Builder builder(String modelGroup, String provider, String model) {
        return new Builder(modelGroup, provider, model);
    }

    @Override
    public String toString() {
        return "Deployment[id=" + id + ", modelGroup=" + modelGroup + ", provider=" + provider + ", model=" + model
                + ", baseUrl=" + baseUrl + ", apiKey=" + Settings.redact(apiKey) + ", weight=" + weight
                + ", rpm=" + rpm + ", tpm=" + tpm + ", maxParallelRequests=" + maxParallelRequests
                + ", timeout=" + timeout + "]";
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " of a deployment must not be empty");
        }
    }

    private static void requireNotNegative(String id, String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " of deployment " + id + " must not be negative, was " + value);
        }
    }

    /** Builds a {@link Deployment}; {@link #build()} checks every field. Not thread-safe. */
    public static final class Builder {
        private final String modelGroup;
        private final String provider;
        private final String model;
        private String id;
        private String baseUrl;
        private String apiKey;
        private double weight;
        private int rpm;
        private long tpm;
        private int maxParallelRequests;
        private Duration timeout;

        private Builder(String modelGroup, String provider, String model) {
            this.modelGroup = modelGroup;
            this.provider = provider;
            this.model = model;
        }

        /** The unique id. Default: the model name (give one when a group has two deployments of one model). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** The backend URL, with or without {@code /v1}. Default: the provider's from the environment. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** The API key. Default: the provider's from the environment. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The simple-shuffle weight, at least 0. Default 0 (none). */
        public Builder weight(double weight) {
            this.weight = weight;
            return this;
        }

        /** Requests per minute allowed, checked before each call. Default 0 (no limit). */
        public Builder rpm(int rpm) {
            this.rpm = rpm;
            return this;
        }

        /** Tokens per minute allowed, reserved before each call. Default 0 (no limit). */
        public Builder tpm(long tpm) {
            this.tpm = tpm;
            return this;
        }

        /** Calls in flight allowed. Default 0 (no limit). */
        public Builder maxParallelRequests(int maxParallelRequests) {
            this.maxParallelRequests = maxParallelRequests;
            return this;
        }

        /** The per-attempt timeout. Default: the router's. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * The deployment.
         *
         * @throws IllegalArgumentException naming the field when one is missing or out of range
         */
        public Deployment build() {
            return new Deployment(id == null ? model : id, modelGroup, provider, model, baseUrl, apiKey, weight, rpm,
                    tpm, maxParallelRequests, timeout);
        }
    }
}
