package ai.synth.lm.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls in flight this JVM holds, per deployment: each is a member of the deployment's sorted set in Redis,
 * scored by its expiry and extended every third of the lease time while the call runs. A JVM that dies stops
 * extending, so its calls stop counting one lease time later. Calls counted locally while Redis was down are
 * held as {@link #LOCAL}.
 */
final class InFlightLeases implements AutoCloseable {

    /** A call counted by the local state because Redis was down. */
    static final String LOCAL = "";

    private final String instance;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Deque<String>> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;

    InFlightLeases(String instance, Duration leaseTime, Renewal renewal) {
        this.instance = instance;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "synth-lm-redis-leases");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, leaseTime.toMillis() / 3);
        renewer.scheduleWithFixedDelay(() -> renewAll(renewal), every, every, TimeUnit.MILLISECONDS);
    }

    /** A new member name, unique across JVMs. */
    String next() {
        return instance + ":" + sequence.incrementAndGet();
    }

    void hold(String deploymentId, String member) {
        held.computeIfAbsent(deploymentId, k -> new ConcurrentLinkedDeque<>()).push(member);
    }

    /** The member given back, or null when this JVM holds none for the deployment. */
    String giveBack(String deploymentId) {
        Deque<String> members = held.get(deploymentId);
        return members == null ? null : members.poll();
    }

    /**
     * Gives back this member, or else one counted locally: the member, {@link #LOCAL}, or null when this JVM holds
     * neither for the deployment.
     */
    String giveBack(String deploymentId, String member) {
        Deque<String> members = held.get(deploymentId);
        if (members == null) {
            return null;
        }
        return members.remove(member) ? member : members.remove(LOCAL) ? LOCAL : null;
    }

    private void renewAll(Renewal renewal) {
        held.forEach((id, members) -> {
            List<String> shared = new ArrayList<>();
            for (String m : members) {
                if (!m.equals(LOCAL)) {
                    shared.add(m);
                }
            }
            if (!shared.isEmpty()) {
                try {
                    renewal.renew(id, shared);
                } catch (RuntimeException e) {
                    // Redis is down (logged once by the link): the leases lapse, as they would for a dead JVM
                }
            }
        });
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }

    /** Extends a deployment's leases in Redis. */
    interface Renewal {
        void renew(String deploymentId, List<String> members);
    }
}
