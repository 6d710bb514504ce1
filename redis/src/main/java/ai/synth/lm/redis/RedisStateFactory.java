package ai.synth.lm.redis;

import ai.synth.lm.RouterState;
import ai.synth.lm.SharedStateFactory;

/**
 * Opens a {@link RedisState} with the default settings for {@code redis://} and {@code rediss://} URLs; found by
 * {@link java.util.ServiceLoader} when the router config file names Redis or {@code REDIS_URL} is set.
 */
public final class RedisStateFactory implements SharedStateFactory {

    /** The factory (for {@link java.util.ServiceLoader}). */
    public RedisStateFactory() {}

    @Override
    public boolean supports(String scheme) {
        return "redis".equalsIgnoreCase(scheme) || "rediss".equalsIgnoreCase(scheme);
    }

    @Override
    public RouterState open(String url) {
        return RedisState.builder().url(url).build();
    }
}
