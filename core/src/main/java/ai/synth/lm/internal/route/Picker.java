package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import ai.synth.lm.RoutingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Orders the deployments of a group by preference, per strategy; ties fall at random. Orders that need shared
 * counts (calls in flight, tokens of the last minute) are finished by the state within its one decision.
 */
final class Picker {

    private Picker() {}

    /** Weighted at random, by latency (kept per JVM), or shuffled for the state to sort by its counts. */
    static List<Member> order(RoutingStrategy strategy, List<Member> members, RouterState state,
            RandomGenerator random) {
        if (members.size() <= 1) {
            return members;
        }
        List<Member> shuffled = new ArrayList<>(members);
        for (int i = shuffled.size() - 1; i > 0; i--) { // Fisher-Yates, drawing from the router's generator
            Collections.swap(shuffled, i, random.nextInt(i + 1));
        }
        switch (strategy) {
            case SIMPLE_SHUFFLE:
                return weighted(shuffled, random);
            case LATENCY_BASED:
                shuffled.sort(Comparator.comparingLong(m -> state.latency(m.id()).orElse(Duration.ZERO).toNanos()));
                return shuffled;
            case LEAST_BUSY:
            case USAGE_BASED:
                return shuffled;
            default:
                throw new AssertionError(strategy);
        }
    }

    /** How the state sorts the order above within its decision. */
    static RouterState.Order stateOrder(RoutingStrategy strategy) {
        return switch (strategy) {
            case LEAST_BUSY -> RouterState.Order.FEWEST_IN_FLIGHT;
            case USAGE_BASED -> RouterState.Order.FEWEST_TOKENS;
            default -> RouterState.Order.AS_GIVEN;
        };
    }

    /** A weighted random order: each next pick drawn with probability proportional to its weight. */
    private static List<Member> weighted(List<Member> members, RandomGenerator random) {
        double[] weights = weights(members);
        List<Member> out = new ArrayList<>(members.size());
        List<Member> left = new ArrayList<>(members);
        while (!left.isEmpty()) {
            double total = 0;
            for (int i = 0; i < left.size(); i++) {
                total += weights[members.indexOf(left.get(i))];
            }
            int chosen = left.size() - 1;
            if (total > 0) {
                double r = random.nextDouble() * total;
                for (int i = 0; i < left.size(); i++) {
                    r -= weights[members.indexOf(left.get(i))];
                    if (r < 0) {
                        chosen = i;
                        break;
                    }
                }
            } else {
                chosen = random.nextInt(left.size());
            }
            out.add(left.remove(chosen));
        }
        return out;
    }

    /** Weight, else rpm, else tpm, else 1; the first of these any member sets applies to all. */
    private static double[] weights(List<Member> members) {
        double[] w = new double[members.size()];
        boolean byWeight = members.stream().anyMatch(m -> m.deployment().weight() > 0);
        boolean byRpm = !byWeight && members.stream().anyMatch(m -> m.deployment().rpm() > 0);
        boolean byTpm = !byWeight && !byRpm && members.stream().anyMatch(m -> m.deployment().tpm() > 0);
        for (int i = 0; i < w.length; i++) {
            var d = members.get(i).deployment();
            w[i] = byWeight ? d.weight() : byRpm ? d.rpm() : byTpm ? d.tpm() : 1;
        }
        return w;
    }
}
