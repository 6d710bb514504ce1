package ai.synth.lm;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a {@link Router} picks one deployment of a model group for each attempt. Deployments that are cooling down,
 * at their parallel-request limit or out of rpm/tpm budget are never picked; ties are broken at random.
 */
public enum RoutingStrategy {
    /** Weighted random by {@code weight}, else {@code rpm}, else {@code tpm}, else uniform. The default. */
    SIMPLE_SHUFFLE("simple-shuffle"),
    /** The fewest calls in flight. */
    LEAST_BUSY("least-busy"),
    /** The lowest recent latency (time to first chunk for streams); untried deployments first. */
    LATENCY_BASED("latency-based-routing"),
    /** The fewest tokens used in the last minute among those under their rpm and tpm. */
    USAGE_BASED("usage-based-routing");

    private final String configName;

    RoutingStrategy(String configName) {
        this.configName = configName;
    }

    /** The name in LiteLLM's {@code router_settings.routing_strategy}, e.g. {@code least-busy}. */
    public String configName() {
        return configName;
    }

    /**
     * The strategy of a LiteLLM {@code routing_strategy} name; {@code usage-based-routing-v2} is accepted as
     * {@link #USAGE_BASED}.
     *
     * @throws IllegalArgumentException listing the supported names when the name is unknown
     */
    public static RoutingStrategy fromConfigName(String name) {
        if ("usage-based-routing-v2".equals(name)) {
            return USAGE_BASED;
        }
        for (RoutingStrategy s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown routing strategy \"" + name + "\": use one of "
                + Arrays.stream(values()).map(RoutingStrategy::configName).collect(Collectors.joining(", ")));
    }
}
