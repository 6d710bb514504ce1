package ai.synth.lm.redis;

import ai.synth.lm.RouterState;
import ai.synth.lm.RouterState.Candidate;
import ai.synth.lm.RouterState.Decision;
import ai.synth.lm.RouterState.Failure;
import ai.synth.lm.RouterState.Finished;
import ai.synth.lm.RouterState.Order;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A routed attempt's two steps in Redis, one script each: {@link Scripts#DECIDE} before the call (cooldowns of the
 * group, order, lease and budget) and {@link Scripts#FINISH} after it (lease, tokens used, failure and cooldown).
 * When Redis does not answer, the {@link Fallback} policy hands the step to the local state.
 */
final class Decisions {

    private static final String[] CANDIDATE_KEYS = {"cooldown", "inflight", "bucket", "tickets"};
    private static final String[] FINISH_KEYS = {"inflight", "bucket", "tickets", "fails", "cooldown"};

    private final Keys keys;
    private final Fallback fallback;
    private final RouterState local;
    private final InFlightLeases leases;
    private final String leaseMillis;
    private final String burstMillis;
    private final String ticketTtl;

    Decisions(Keys keys, Fallback fallback, RouterState local, InFlightLeases leases, long leaseMillis,
            long burstMillis, long ticketTtlMillis) {
        this.keys = keys;
        this.fallback = fallback;
        this.local = local;
        this.leases = leases;
        this.leaseMillis = String.valueOf(leaseMillis);
        this.burstMillis = String.valueOf(burstMillis);
        this.ticketTtl = String.valueOf(ticketTtlMillis);
    }

    Decision acquire(List<Candidate> candidates, Order order, String ticket, long tokens, Instant now) {
        String[] k = new String[candidates.size() * CANDIDATE_KEYS.length];
        List<String> a = new ArrayList<>(List.of(String.valueOf(now.toEpochMilli()), orderName(order), ticket,
                String.valueOf(Math.max(0, tokens)), burstMillis, leaseMillis, ticketTtl));
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            System.arraycopy(keys.route(c.deploymentId(), CANDIDATE_KEYS), 0, k, i * CANDIDATE_KEYS.length,
                    CANDIDATE_KEYS.length);
            a.addAll(List.of(flag(c.eligible()), String.valueOf(c.maxParallel()), String.valueOf(c.rpm()),
                    String.valueOf(c.tpm()), flag(c.reserve())));
        }
        String[] args = a.toArray(String[]::new);
        Decision d = fallback.decide("decide a route", c -> decision(candidates, now,
                RedisLink.evalList(c, Scripts.DECIDE, k, args)), () -> null);
        if (d == null) { // Redis is down and the policy is fail-open
            d = local.acquire(candidates, order, ticket, tokens, now);
            if (d.chosen() != null) {
                leases.hold(d.chosen(), InFlightLeases.LOCAL);
            }
        } else if (d.chosen() != null) {
            leases.hold(d.chosen(), ticket);
        }
        return d;
    }

    private static Decision decision(List<Candidate> candidates, Instant now, List<Long> out) {
        Map<String, Instant> cooling = new LinkedHashMap<>();
        for (int i = 3; i + 1 < out.size(); i += 2) {
            cooling.put(candidates.get(out.get(i).intValue() - 1).deploymentId(), Instant.ofEpochMilli(out.get(i + 1)));
        }
        int chosen = out.get(0).intValue();
        long wait = out.get(2);
        return new Decision(chosen == 0 ? null : candidates.get(chosen - 1).deploymentId(), cooling, out.get(1) == 1,
                wait < 0 ? Optional.empty() : Optional.of(now.plusMillis(wait)));
    }

    Finished finish(String deploymentId, String ticket, long tokens, Failure failure) {
        String held = leases.giveBack(deploymentId, ticket);
        if (InFlightLeases.LOCAL.equals(held)) { // decided locally while Redis was down
            return local.finish(deploymentId, ticket, tokens, failure);
        }
        String[] args = {ticket, String.valueOf(tokens), flag(failure != null),
                failure == null ? "0" : String.valueOf(failure.at().toEpochMilli()),
                failure == null ? "0" : String.valueOf(Math.max(1, failure.window().toMillis())),
                failure == null ? "0" : String.valueOf(failure.allowedFails()),
                failure == null ? "0" : String.valueOf(failure.cooldown().toMillis())};
        Finished done = fallback.after("finish a call", c -> {
            List<Long> out = RedisLink.evalList(c, Scripts.FINISH, keys.route(deploymentId, FINISH_KEYS), args);
            return new Finished(out.get(0).intValue(), out.get(1) == 1);
        }, () -> failure == null ? Finished.NONE : countLocally(deploymentId, failure));
        if (done == null) {
            return Finished.NONE;
        }
        if (done.cooledDown()) { // kept here too, so an outage does not forget it
            local.coolDown(deploymentId, failure.at().plus(failure.cooldown()));
        }
        return done;
    }

    /** A failure counted by the local state alone (its lease was in Redis, which did not answer). */
    private Finished countLocally(String deploymentId, Failure failure) {
        int fails = local.recordFailure(deploymentId, failure.at(), failure.window());
        if (fails <= failure.allowedFails() || failure.cooldown().isZero()) {
            return new Finished(fails, false);
        }
        local.coolDown(deploymentId, failure.at().plus(failure.cooldown()));
        local.clearFailures(deploymentId);
        return new Finished(fails, true);
    }

    private static String orderName(Order order) {
        return switch (order) {
            case FEWEST_IN_FLIGHT -> "busy";
            case FEWEST_TOKENS -> "tokens";
            default -> "given";
        };
    }

    private static String flag(boolean b) {
        return b ? "1" : "0";
    }
}
