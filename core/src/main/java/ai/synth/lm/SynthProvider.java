package ai.synth.lm;

import ai.synth.lm.internal.Events;
import ai.synth.lm.internal.ProviderSettings;
import ai.synth.lm.internal.Warmer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Synth provider: OpenAI-compatible chat completions on a Synth (serverless) backend, plus warmup of cold
 * models. Thread-safe; share one instance and close it when done.
 *
 * <pre>{@code
 * try (SynthProvider provider = new SynthProvider(SynthConfig.fromEnv())) {
 *     provider.warmup("Qwen/Qwen2.5-7B-Instruct");
 *     ...
 * }
 * }</pre>
 */
public final class SynthProvider extends AbstractProvider {

    private final Warmer warmer;

    /**
     * A provider configured from the environment and {@code .env}.
     *
     * @throws ConfigurationException if {@code SYNTH_BASE_URL} or {@code SYNTH_API_KEY} is missing or malformed
     */
    public SynthProvider() {
        this(SynthConfig.fromEnv());
    }

    /** A provider with the given settings. */
    public SynthProvider(SynthConfig config) {
        super(settings(config));
        this.warmer = new Warmer(engine, config.sharedState());
    }

    static ProviderSettings settings(SynthConfig config) {
        Objects.requireNonNull(config, "config");
        String base = ProviderSettings.synthBase(config.baseUrl());
        return new ProviderSettings("synth", base + "/v1", base, config.apiKey(), config.timeout(),
                config.connectTimeout(), config.maxRetries(), config.firstByteTimeout(), config.idleTimeout(),
                config.streamTimeout(), config.maxResponseSize(),
                config.clock(), config.scheduler(),
                new ProviderSettings.Advice("Check SYNTH_API_KEY (or MODAL_API_KEY)",
                        "Check SYNTH_BASE_URL (or MODAL_BASE_URL)",
                        "Raise SYNTH_TIMEOUT (e.g. SYNTH_TIMEOUT=180), or warm the model up first with"
                                + " provider.warmup(model); large models take longer to load",
                        "raise SYNTH_MAX_RETRIES (e.g. SYNTH_MAX_RETRIES=5)"),
                config.sslContext(), config.proxies(),
                Events.of(config.listener(), "synth", config.deployment(), base + "/v1"));
    }

    /**
     * Starts the model if it is cold and polls until it is warm, failed, or {@code maxAttempts} status checks
     * were made. A model that warmed within the last 10 minutes on the same backend answers from the cache
     * unless {@code force}. Concurrent warmups of one model share one start request and poll loop.
     *
     * @throws IllegalArgumentException if the model name is empty or could reach another path
     */
    @Override
    public CompletableFuture<WarmupResult> warmupAsync(String model, WarmupOptions options) {
        Objects.requireNonNull(options, "options");
        return warmer.warmup(model, options);
    }

    /** Whether the model is remembered as warm (it warmed here within the last 10 minutes). */
    public boolean isWarm(String model) {
        return warmer.isCachedWarm(model);
    }
}
