package ai.synth.lm.internal.route;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.RouterState;
import ai.synth.lm.SharedStateFactory;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The shared state a router config file asks for: {@code redis_url}, or {@code redis_host} with {@code redis_port}
 * and {@code redis_password}, in {@code router_settings} (else {@code litellm_settings}), else {@code REDIS_URL}
 * from the environment. Opened through a {@link SharedStateFactory} on the class path.
 */
final class SharedStateConfig {

    private SharedStateConfig() {}

    /** The state the file or environment names, if any. */
    static Optional<RouterState> of(RouterConfigFile file, JsonNode root) {
        String url = url(file, root.path("router_settings"), "router_settings");
        if (url == null) {
            url = url(file, root.path("litellm_settings"), "litellm_settings");
        }
        if (url == null) {
            String env = file.environmentVariable("REDIS_URL");
            url = env == null || env.isBlank() ? null : env.strip();
        }
        return url == null ? Optional.empty() : Optional.of(open(url));
    }

    private static String url(RouterConfigFile file, JsonNode node, String where) {
        if (!node.isObject()) {
            return null;
        }
        if (node.has("redis_url")) {
            return file.text(node, "redis_url", where);
        }
        if (!node.has("redis_host")) {
            if (node.has("redis_port") || node.has("redis_password")) {
                throw file.fail(where + ".redis_host", "is missing", "add redis_host: <host>, or give redis_url");
            }
            return null;
        }
        String host = file.text(node, "redis_host", where);
        int port = 6379;
        if (node.has("redis_port")) {
            JsonNode p = node.path("redis_port");
            port = p.isTextual() && p.asText().strip().matches("\\d{1,5}") ? Integer.parseInt(p.asText().strip())
                    : file.whole(node, "redis_port", where, 1, 65535);
        }
        String password = node.has("redis_password") ? file.text(node, "redis_password", where) : null;
        String auth = password == null ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@";
        return "redis://" + auth + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static RouterState open(String url) {
        String scheme;
        try {
            scheme = new URI(url).getScheme();
        } catch (URISyntaxException e) {
            scheme = null;
        }
        if (scheme == null) {
            throw new ConfigurationException("The shared state URL is malformed (expected e.g."
                    + " redis://host:6379); check redis_url, redis_host or REDIS_URL");
        }
        for (SharedStateFactory f : ServiceLoader.load(SharedStateFactory.class)) {
            if (f.supports(scheme)) {
                return f.open(url);
            }
        }
        throw new ConfigurationException("No shared state for '" + scheme + "' URLs is on the class path (from"
                + " redis_url, redis_host or REDIS_URL); add the artifact ai.synth:synth-lm-redis, or remove the"
                + " setting to keep state in this JVM");
    }
}
