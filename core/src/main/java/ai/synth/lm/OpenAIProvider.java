package ai.synth.lm;

import ai.synth.lm.internal.Events;
import ai.synth.lm.internal.ProviderSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The OpenAI provider, for OpenAI itself or any OpenAI-compatible server (vLLM, Ollama, llama.cpp, a proxy).
 * OpenAI models need no warmup: {@link #warmup(String)} answers true at once, without a request. Thread-safe.
 */
public final class OpenAIProvider extends AbstractProvider {

    /**
     * A provider configured from the environment and {@code .env}.
     *
     * @throws ConfigurationException if {@code OPENAI_API_KEY} is missing or a value is malformed
     */
    public OpenAIProvider() {
        this(OpenAIConfig.fromEnv());
    }

    /** A provider with the given settings. */
    public OpenAIProvider(OpenAIConfig config) {
        super(settings(config));
    }

    static ProviderSettings settings(OpenAIConfig config) {
        Objects.requireNonNull(config, "config");
        String base = config.baseUrl().strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return new ProviderSettings("openai", base, null, config.apiKey(), config.timeout(), config.connectTimeout(),
                config.maxRetries(), config.firstByteTimeout(), config.idleTimeout(), config.streamTimeout(),
                config.maxResponseSize(),
                config.clock(), config.scheduler(),
                new ProviderSettings.Advice("Check OPENAI_API_KEY", "Check OPENAI_BASE_URL",
                        "Raise the timeout with OpenAIConfig.builder().timeout(...)",
                        "raise OpenAIConfig.builder().maxRetries(...)"),
                config.sslContext(), config.proxies(),
                Events.of(config.listener(), "openai", config.deployment(), base));
    }

    /** Answers {@link WarmupResult.Outcome#NOT_REQUIRED} at once: OpenAI models are always warm. */
    @Override
    public CompletableFuture<WarmupResult> warmupAsync(String model, WarmupOptions options) {
        engine.ensureOpen();
        return CompletableFuture.completedFuture(
                new WarmupResult(model, WarmupResult.Outcome.NOT_REQUIRED, 0, Duration.ZERO, null));
    }
}
