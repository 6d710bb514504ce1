package ai.synth.lm.cli;

import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.ProviderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code doctor} knows of one provider: its settings and the variables they are read from (in the order the
 * library reads them), how to build its config, and the fixes the README's Troubleshooting gives for it.
 */
enum DoctorProvider {

    SYNTH("synth", List.of(
            new Spec("base URL", List.of("SYNTH_BASE_URL", "MODAL_BASE_URL"), null, false),
            new Spec("API key", List.of("SYNTH_API_KEY", "MODAL_API_KEY"), null, true),
            new Spec("timeout (s)", List.of("SYNTH_TIMEOUT"), "120", false),
            new Spec("max retries", List.of("SYNTH_MAX_RETRIES"), "3", false)),
            new Fixes("Check SYNTH_API_KEY (or MODAL_API_KEY).",
                    "Check SYNTH_BASE_URL (or MODAL_BASE_URL)",
                    "Raise SYNTH_TIMEOUT (e.g. SYNTH_TIMEOUT=180), or warm the model up first with"
                            + " 'synth-lm warmup MODEL'; large models take longer to load.",
                    "The client retries with backoff; allow more retries: SYNTH_MAX_RETRIES=5.",
                    "Create .env in the directory you run from with SYNTH_BASE_URL=https://your-synth-url.modal.run"
                            + " and SYNTH_API_KEY=your-api-key.")),
    OPENAI("openai", List.of(
            new Spec("base URL", List.of("OPENAI_BASE_URL"), "https://api.openai.com/v1", false),
            new Spec("API key", List.of("OPENAI_API_KEY"), null, true),
            new Spec("timeout (s)", List.of(), "120", false),
            new Spec("max retries", List.of(), "2", false)),
            new Fixes("Check OPENAI_API_KEY.", "Check OPENAI_BASE_URL",
                    "Raise the timeout in code: OpenAIConfig.builder().timeout(Duration.ofSeconds(180)).",
                    "The client retries with backoff; allow more retries in code:"
                            + " OpenAIConfig.builder().maxRetries(5).",
                    "Set OPENAI_API_KEY=your-openai-api-key in the environment or in .env."));

    /**
     * One setting.
     *
     * @param label how it is shown
     * @param variables the variables read, first wins
     * @param fallback the default as shown, or null when the setting is required
     * @param secret whether the value is a key, shown masked
     */
    record Spec(String label, List<String> variables, String fallback, boolean secret) {}

    /**
     * A setting as resolved.
     *
     * @param label how it is shown
     * @param shown the value as shown (a key masked), or {@code (unset)}
     * @param origin where it came from
     * @param set whether a flag or variable set it (not a default)
     */
    record Row(String label, String shown, String origin, boolean set) {}

    /**
     * The fixes the README's Troubleshooting gives, in this provider's terms.
     *
     * @param key a rejected key
     * @param baseUrl the start of the advice on a wrong or unreachable URL
     * @param timeout a timeout
     * @param rateLimit a rate limit
     * @param missing required settings missing
     */
    record Fixes(String key, String baseUrl, String timeout, String rateLimit, String missing) {}

    private final String id;
    private final List<Spec> specs;
    private final Fixes fixes;

    DoctorProvider(String id, List<Spec> specs, Fixes fixes) {
        this.id = id;
        this.specs = specs;
        this.fixes = fixes;
    }

    String id() {
        return id;
    }

    Fixes fixes() {
        return fixes;
    }

    static DoctorProvider named(String name) {
        return name.equals("openai") ? OPENAI : SYNTH;
    }

    /** Each setting's value and origin; {@code baseUrl} is the {@code --base-url} flag, or null. */
    List<Row> rows(Environment env, String baseUrl) {
        List<Row> rows = new ArrayList<>();
        for (Spec spec : specs) {
            Environment.Found found = spec.variables().isEmpty() ? null
                    : env.find(spec.variables().toArray(String[]::new));
            if (spec.label().equals("base URL") && baseUrl != null) {
                rows.add(new Row(spec.label(), baseUrl, "flag (--base-url)", true));
            } else if (found != null) {
                String shown = spec.secret() ? mask(found.value()) : found.value();
                rows.add(new Row(spec.label(), shown, found.origin() + " (" + found.name() + ")", true));
            } else {
                rows.add(new Row(spec.label(), spec.fallback() == null ? "(unset)" : spec.fallback(),
                        spec.fallback() == null ? "-" : "default", false));
            }
        }
        return rows;
    }

    /** The config, as the library builds it from the same variables; throws its ConfigurationException. */
    Settings build(Environment env, String baseUrl) {
        Map<String, String> variables = env.variables();
        if (this == SYNTH) {
            SynthConfig c = SynthConfig.builder().environment(variables).baseUrl(baseUrl).build();
            String base = ProviderSettings.synthBase(c.baseUrl());
            return new Settings(c.baseUrl(), base + "/v1", base, c.apiKey(), c.connectTimeout(), c.timeout());
        }
        OpenAIConfig c = OpenAIConfig.builder().environment(variables).baseUrl(baseUrl).build();
        String base = c.baseUrl().strip().replaceAll("/+$", "");
        return new Settings(c.baseUrl(), base, null, c.apiKey(), c.connectTimeout(), c.timeout());
    }

    /**
     * What the checks need.
     *
     * @param baseUrl the URL as configured
     * @param apiBase the base of {@code /models}
     * @param warmupBase the base of the warmup endpoints, or null
     * @param apiKey the key
     * @param connectTimeout the connect timeout
     * @param timeout the request timeout
     */
    record Settings(String baseUrl, String apiBase, String warmupBase, String apiKey, Duration connectTimeout,
            Duration timeout) {
        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", apiKey=" + mask(apiKey) + "]";
        }
    }

    /** A key as shown: its last 4 characters when it is long enough that they give little away. */
    static String mask(String key) {
        if (key == null) {
            return "(unset)";
        }
        return key.length() >= 9 ? "****" + key.substring(key.length() - 4) : "****";
    }
}
