package ai.synth.lm.internal.route;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.RouterBuilder;
import ai.synth.lm.RoutingStrategy;
import ai.synth.lm.internal.Environment;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LiteLLM's {@code config.yaml}: {@code model_list} (each {@code model_name}, {@code litellm_params},
 * {@code model_info.id}) and {@code router_settings} (also read from {@code litellm_settings}, where LiteLLM's proxy
 * keeps the same keys; {@code router_settings} wins). Keys synth-lm does not use are logged once each; a wrong type
 * or a missing key fails with the entry's position and the fix.
 */
public final class RouterConfigFile {

    private static final Logger log = LoggerFactory.getLogger("ai.synth.lm.Router");
    private static final Set<String> TOP = Set.of("model_list", "router_settings", "litellm_settings");
    private static final Set<String> ENTRY = Set.of("model_name", "litellm_params", "model_info");
    private static final Set<String> INFO = Set.of("id");
    private static final Set<String> SETTINGS = Set.of("routing_strategy", "num_retries", "allowed_fails",
            "cooldown_time", "timeout", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
            "redis_url", "redis_host", "redis_port", "redis_password");

    private final Path path;
    private final Environment environment;
    private final Set<String> unknown = new LinkedHashSet<>();

    private RouterConfigFile(Path path, Environment environment) {
        this.path = path;
        this.environment = environment;
    }

    /**
     * Adds the file's deployments and settings to {@code builder}; {@code os.environ/NAME} values come from
     * {@code environment} (the process environment, then a {@code .env} file, as the providers read them).
     */
    public static void load(Path path, Environment environment, RouterBuilder builder) {
        new RouterConfigFile(path, environment).into(builder);
    }

    private void into(RouterBuilder builder) {
        JsonNode root = read();
        if (!root.isObject()) {
            throw fail("the file", "must be a YAML mapping with a model_list", "start it with model_list:");
        }
        warnUnknown("", root, TOP);
        JsonNode list = root.path("model_list");
        if (!list.isArray() || list.isEmpty()) {
            throw fail("model_list", list.isMissingNode() ? "is missing" : "must be a non-empty list",
                    "add model_list: with one entry per deployment (model_name and litellm_params.model)");
        }
        for (int i = 0; i < list.size(); i++) {
            builder.deployment(new DeploymentEntry(this, i, list.get(i)).deployment());
        }
        settings(root.path("litellm_settings"), "litellm_settings", builder);
        settings(root.path("router_settings"), "router_settings", builder);
        SharedStateConfig.of(this, root).ifPresent(builder::sharedState);
        for (String key : unknown) {
            log.warn("Router config {}: ignoring '{}', which synth-lm does not support", path, key);
        }
    }

    private JsonNode read() {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            return root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ConfigurationException("Router config " + path + " is not valid YAML"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read router config " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + "; check the path and permissions");
        }
    }

    private void settings(JsonNode node, String where, RouterBuilder b) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw fail(where, "must be a mapping", "write " + where + ": followed by indented keys");
        }
        warnUnknown(where + ".", node, SETTINGS);
        if (node.has("routing_strategy")) {
            String name = text(node, "routing_strategy", where);
            try {
                b.routingStrategy(RoutingStrategy.fromConfigName(name));
            } catch (IllegalArgumentException e) {
                throw fail(where + ".routing_strategy", e.getMessage(), "pick one of the names listed");
            }
        }
        if (node.has("num_retries")) {
            b.numRetries(whole(node, "num_retries", where, 0, 100));
        }
        if (node.has("allowed_fails")) {
            b.allowedFails(whole(node, "allowed_fails", where, 0, Integer.MAX_VALUE));
        }
        if (node.has("cooldown_time")) {
            b.cooldownTime(seconds(node, "cooldown_time", where, true));
        }
        if (node.has("timeout")) {
            b.timeout(seconds(node, "timeout", where, false));
        }
        fallbacks(node, "fallbacks", where, b::fallbacks);
        fallbacks(node, "context_window_fallbacks", where, b::contextWindowFallbacks);
        fallbacks(node, "content_policy_fallbacks", where, b::contentPolicyFallbacks);
    }

    /** {@code [{"a": ["b", "c"]}, ...]}: a list of one-key mappings from a group to the groups it falls back to. */
    private void fallbacks(JsonNode node, String key, String where, java.util.function.BiConsumer<String,
            java.util.List<String>> add) {
        JsonNode list = node.path(key);
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        String fix = "write " + key + ": [{\"my-group\": [\"backup-group\"]}]";
        if (!list.isArray()) {
            throw fail(where + "." + key, "must be a list of mappings", fix);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String at = where + "." + key + "[" + i + "]";
            if (!item.isObject()) {
                throw fail(at, "must be a mapping from a model group to a list of groups", fix);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                java.util.List<String> to = new java.util.ArrayList<>();
                JsonNode groups = e.getValue();
                if (groups.isTextual()) {
                    to.add(groups.asText());
                } else if (groups.isArray()) {
                    for (JsonNode g : groups) {
                        if (!g.isTextual()) {
                            throw fail(at + "." + e.getKey(), "must list model group names", fix);
                        }
                        to.add(g.asText());
                    }
                } else {
                    throw fail(at + "." + e.getKey(), "must be a list of model group names", fix);
                }
                add.accept(e.getKey(), to);
            }
        }
    }

    // ---- shared by the entry reader ----

    void warnUnknown(String prefix, JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(prefix + name);
            }
        });
    }

    static Set<String> entryKeys() {
        return ENTRY;
    }

    static Set<String> infoKeys() {
        return INFO;
    }

    String environmentVariable(String name) {
        return environment.get(name);
    }

    ConfigurationException fail(String where, String problem, String fix) {
        return new ConfigurationException("Router config " + path + ": " + where + " " + problem + "; " + fix);
    }

    String text(JsonNode node, String key, String where) {
        JsonNode v = node.path(key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw fail(where + "." + key, v.isMissingNode() ? "is missing" : "must be text, was " + v,
                    "write " + key + ": <text>");
        }
        return v.asText().trim();
    }

    int whole(JsonNode node, String key, String where, int min, int max) {
        JsonNode v = node.path(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw fail(where + "." + key, "must be a whole number from " + min
                    + (max == Integer.MAX_VALUE ? " up" : " to " + max) + ", was " + v, "write e.g. " + key + ": "
                    + Math.max(min, 3));
        }
        return v.asInt();
    }

    long wholeLong(JsonNode node, String key, String where) {
        JsonNode v = node.path(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw fail(where + "." + key, "must be a whole number, 0 or more, was " + v,
                    "write e.g. " + key + ": 100000");
        }
        return v.asLong();
    }

    double number(JsonNode node, String key, String where) {
        JsonNode v = node.path(key);
        if (!v.isNumber() || v.asDouble() < 0 || !Double.isFinite(v.asDouble())) {
            throw fail(where + "." + key, "must be a number, 0 or more, was " + v, "write e.g. " + key + ": 1");
        }
        return v.asDouble();
    }

    Duration seconds(JsonNode node, String key, String where, boolean zeroAllowed) {
        JsonNode v = node.path(key);
        double s = v.isNumber() ? v.asDouble() : Double.NaN;
        if (!(s >= 0 && s <= 86_400) || (!zeroAllowed && s == 0)) {
            throw fail(where + "." + key, "must be a number of seconds" + (zeroAllowed ? ", 0 or more" : " above 0")
                    + ", was " + v, "write e.g. " + key + ": 30");
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
