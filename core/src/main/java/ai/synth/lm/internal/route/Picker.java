package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import ai.synth.lm.RoutingStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/** Orders the available deployments of a group by preference, per strategy; ties fall at random. */
final class Picker {

    private Picker() {}

    static List<Member> order(RoutingStrategy strategy, List<Member> available, RouterState state, Instant now,
            RandomGenerator random) {
        if (available.size() <= 1) {
            return available;
        }
        List<Member> shuffled = new ArrayList<>(available);
        Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
        switch (strategy) {
            case SIMPLE_SHUFFLE:
                return weighted(shuffled, random);
            case LEAST_BUSY:
                shuffled.sort(Comparator.comparingInt(m -> state.inFlight(m.id())));
                return shuffled;
            case LATENCY_BASED:
                shuffled.sort(Comparator.comparingLong(m -> state.latency(m.id()).orElse(Duration.ZERO).toNanos()));
                return shuffled;
            case USAGE_BASED:
                shuffled.sort(Comparator.comparingLong(m -> state.tokensLastMinute(m.id(), now)));
                return shuffled;
            default:
                throw new AssertionError(strategy);
        }
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
