package ai.synth.lm.redis;

/**
 * The names of {@link RedisState}'s keys. Every routing key carries one hash tag, the prefix, so that one Lua
 * script may read and write the keys of every deployment of a model group at once, on Redis Cluster too (a script's
 * keys must share a slot); every warm key carries its model's own tag, so warm state spreads over the cluster.
 */
final class Keys {

    private final String prefix;
    private final String route;

    Keys(String prefix) {
        this.prefix = prefix;
        this.route = prefix + ":{" + prefix + "}:";
    }

    /** A deployment's key: {@code <prefix>:{<prefix>}:<deployment>:<what>}. */
    String key(String deploymentId, String what) {
        return route + deploymentId + ":" + what;
    }

    /** A deployment's keys, one per name. */
    String[] route(String deploymentId, String... what) {
        String[] keys = new String[what.length];
        for (int i = 0; i < what.length; i++) {
            keys[i] = key(deploymentId, what[i]);
        }
        return keys;
    }

    /** A model's warm key: {@code <prefix>:{warm <base URL and model>}:<what>}. */
    String[] warm(String warmKey, String what) {
        return new String[] {prefix + ":{warm " + warmKey.replace('\n', ' ') + "}:" + what};
    }
}
