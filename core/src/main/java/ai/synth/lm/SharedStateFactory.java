package ai.synth.lm;

import java.util.ServiceLoader;

/**
 * Opens a {@link RouterState} shared by several JVMs from a URL, such as {@code redis://host:6379}. The router
 * config file's {@code router_settings} ({@code redis_url}, or {@code redis_host}, {@code redis_port} and
 * {@code redis_password}) and the {@code REDIS_URL} variable are turned into a state through the factories found by
 * {@link ServiceLoader}; {@code synth-lm-redis} provides the one for {@code redis} and {@code rediss} URLs.
 */
public interface SharedStateFactory {

    /** Whether this factory opens URLs of the scheme, e.g. {@code redis}. */
    boolean supports(String scheme);

    /**
     * Opens the shared state at {@code url}, which may carry a password; implementations never show it.
     *
     * @throws ConfigurationException if the URL is malformed
     */
    RouterState open(String url);
}
