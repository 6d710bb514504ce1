package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Entry points: create a provider by name, make a one-shot call, warm a Synth model up.
 *
 * <pre>{@code
 * UnifiedLMProvider synth = SynthLM.createProvider("synth");                 // settings from env / .env
 * UnifiedLMProvider local = SynthLM.createProvider("openai", Map.of(
 *     "api_key", "sk-...", "base_url", "http://127.0.0.1:8080/v1"));         // explicit overrides
 * ChatCompletion once = SynthLM.createChatCompletion(model, messages);       // made, used, closed
 * }</pre>
 */
public final class SynthLM {

    /** The version of this library, e.g. {@code 0.1.0}. */
    public static final String VERSION = ai.synth.lm.internal.Version.VERSION;

    /** The provider names {@link #createProvider(String)} knows. */
    public static final List<String> PROVIDERS = List.of("synth", "openai");

    private static final List<String> OVERRIDES = List.of("base_url", "api_key", "timeout", "connect_timeout",
            "max_retries");

    private SynthLM() {}

    /**
     * A provider configured from the environment and {@code .env}.
     *
     * @param name {@code synth} or {@code openai} (any case)
     * @throws IllegalArgumentException if the name is not a known provider
     * @throws ConfigurationException if a required setting is missing or malformed
     */
    public static UnifiedLMProvider createProvider(String name) {
        return createProvider(name, Map.of());
    }

    /**
     * A provider whose settings are overridden by the given values; unset ones come from the environment.
     *
     * @param name {@code synth} or {@code openai} (any case)
     * @param overrides any of {@code base_url}, {@code api_key}, {@code timeout} (seconds, or a {@link Duration}),
     *     {@code connect_timeout} and {@code max_retries}; camelCase names work too
     * @throws IllegalArgumentException if the name or an override key is unknown, or a value has the wrong type
     * @throws ConfigurationException if a required setting is missing or malformed
     */
    public static UnifiedLMProvider createProvider(String name, Map<String, ?> overrides) {
        Objects.requireNonNull(overrides, "overrides");
        String provider = normalize(name);
        Overrides o = Overrides.of(overrides);
        if (provider.equals("synth")) {
            SynthConfig.Builder b = SynthConfig.builder().baseUrl(o.baseUrl).apiKey(o.apiKey).timeout(o.timeout);
            if (o.connectTimeout != null) {
                b.connectTimeout(o.connectTimeout);
            }
            if (o.maxRetries != null) {
                b.maxRetries(o.maxRetries);
            }
            return new SynthProvider(b.build());
        }
        OpenAIConfig.Builder b = OpenAIConfig.builder().baseUrl(o.baseUrl).apiKey(o.apiKey);
        if (o.timeout != null) {
            b.timeout(o.timeout);
        }
        if (o.connectTimeout != null) {
            b.connectTimeout(o.connectTimeout);
        }
        if (o.maxRetries != null) {
            b.maxRetries(o.maxRetries);
        }
        return new OpenAIProvider(b.build());
    }

    /**
     * A one-shot chat completion on the default provider ({@code LM_PROVIDER}, else {@code synth}): the provider
     * is made from the environment, used once and closed. For many calls, keep one provider instead.
     *
     * @throws SynthLMException if configuration is missing or the call failed
     */
    public static ChatCompletion createChatCompletion(String model, List<? extends ChatMessage> messages) {
        try (UnifiedLMProvider provider = createProvider(defaultProvider())) {
            return provider.createChatCompletion(model, messages);
        }
    }

    /**
     * A one-shot chat completion without blocking; the provider is closed when the future completes.
     *
     * @throws ConfigurationException at once if configuration is missing
     */
    public static CompletableFuture<ChatCompletion> createChatCompletionAsync(String model,
            List<? extends ChatMessage> messages) {
        ChatCompletionRequest request = ChatCompletionRequest.of(model, messages);
        UnifiedLMProvider provider = createProvider(defaultProvider());
        CompletableFuture<ChatCompletion> call;
        try {
            call = provider.createChatCompletionAsync(request);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
        return call.whenComplete((r, e) -> provider.close());
    }

    /**
     * Warms a Synth model up with settings from the environment and the defaults (30 status checks).
     *
     * @return whether the model is warm
     */
    public static boolean warmupSynthModel(String model) {
        return warmupSynthModel(model, null, 30, false);
    }

    /**
     * Warms a Synth model up, remembering it as warm for 10 minutes.
     *
     * @param model the model name
     * @param config the settings, or null to read them from the environment
     * @param maxAttempts the most status checks to make
     * @param force warm up even if the model is remembered as warm
     * @return whether the model is warm; use {@link SynthProvider#warmup(String, WarmupOptions)} to learn why not
     */
    public static boolean warmupSynthModel(String model, SynthConfig config, int maxAttempts, boolean force) {
        WarmupOptions options = WarmupOptions.builder().maxAttempts(maxAttempts).force(force).build();
        try (SynthProvider provider = new SynthProvider(config != null ? config : SynthConfig.fromEnv())) {
            return Futures.await(provider.warmupAsync(model, options)).warm();
        }
    }

    /** The default provider name: {@code LM_PROVIDER} from the environment or {@code .env}, else {@code synth}. */
    public static String defaultProvider() {
        String fromEnv = Environment.system().get("LM_PROVIDER");
        if (fromEnv == null) {
            return "synth";
        }
        try {
            return normalize(fromEnv);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("LM_PROVIDER=" + fromEnv + " is not a known provider: use one of "
                    + String.join(", ", PROVIDERS));
        }
    }

    static String normalize(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(n)) {
            throw new IllegalArgumentException("Unknown provider \"" + name + "\": supported providers are "
                    + String.join(", ", PROVIDERS));
        }
        return n;
    }

    /** Typed override values. */
    private record Overrides(String baseUrl, String apiKey, Duration timeout, Duration connectTimeout, Integer maxRetries) {

        static Overrides of(Map<String, ?> map) {
            String baseUrl = null, apiKey = null;
            Duration timeout = null, connectTimeout = null;
            Integer maxRetries = null;
            for (Map.Entry<String, ?> e : map.entrySet()) {
                String key = e.getKey().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
                Object value = e.getValue();
                switch (key) {
                    case "base_url" -> baseUrl = string(key, value);
                    case "api_key" -> apiKey = string(key, value);
                    case "timeout" -> timeout = duration(key, value);
                    case "connect_timeout" -> connectTimeout = duration(key, value);
                    case "max_retries" -> maxRetries = retries(key, value);
                    default -> throw new IllegalArgumentException("Unknown setting \"" + e.getKey()
                            + "\": supported settings are " + String.join(", ", OVERRIDES));
                }
            }
            return new Overrides(baseUrl, apiKey, timeout, connectTimeout, maxRetries);
        }

        private static String string(String key, Object value) {
            if (value instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException(key + " must be a String, was " + typeOf(value));
        }

        /** A whole number 0 to 100, or its text; 2.5 or 2^32 + 2 is an error, never truncated to 2. */
        private static int retries(String key, Object value) {
            if (value instanceof String s) {
                return Settings.parseRetries(key, s);
            }
            if (value instanceof Number n) {
                double d = n.doubleValue();
                if (d >= 0 && d <= 100 && d == Math.rint(d)) {
                    return (int) d;
                }
            }
            throw new IllegalArgumentException(key + " must be a whole number from 0 to 100, was "
                    + (value instanceof Number ? value : typeOf(value)));
        }

        private static Duration duration(String key, Object value) {
            if (value instanceof Duration d) {
                return d;
            }
            if (value instanceof Number n) {
                return Settings.parseSeconds(key, n.toString());
            }
            if (value instanceof String s) {
                return Settings.parseSeconds(key, s);
            }
            throw new IllegalArgumentException(key + " must be seconds (a number) or a Duration, was " + typeOf(value));
        }

        private static String typeOf(Object value) {
            return value == null ? "null" : value.getClass().getSimpleName();
        }
    }
}
