package ai.synth.lm.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
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
 * scored by its expiry. Every third of the lease time, the leases older than a sixth of it are extended, so each is
 * extended before half its time has run, and a short call (most of them) costs no extension at all. A JVM that dies
 * stops extending, so its calls stop counting one lease time later. Calls counted locally while Redis was down are
 * held as {@link #LOCAL}.
 */
final class InFlightLeases implements AutoCloseable {

    /** A call counted by the local state because Redis was down. */
    static final String LOCAL = "";

    private final String instance;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Deque<Held>> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;
    private final long youngNanos;

    /** A member and when it was taken ({@link System#nanoTime()}). */
    private record Held(String member, long since) {}

    InFlightLeases(String instance, Duration leaseTime, Renewal renewal) {
        this.instance = instance;
        this.youngNanos = leaseTime.toNanos() / 6;
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
        held.computeIfAbsent(deploymentId, k -> new ConcurrentLinkedDeque<>()).push(new Held(member, System.nanoTime()));
    }

    /** The member given back, or null when this JVM holds none for the deployment. */
    String giveBack(String deploymentId) {
        Deque<Held> members = held.get(deploymentId);
        Held h = members == null ? null : members.poll();
        return h == null ? null : h.member();
    }

    /**
     * Gives back this member, or else one counted locally: the member, {@link #LOCAL}, or null when this JVM holds
     * neither for the deployment.
     */
    String giveBack(String deploymentId, String member) {
        Deque<Held> members = held.get(deploymentId);
        if (members == null) {
            return null;
        }
        return remove(members, member) ? member : remove(members, LOCAL) ? LOCAL : null;
    }

    private static boolean remove(Deque<Held> members, String member) {
        for (Iterator<Held> it = members.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.member().equals(member) && members.remove(h)) {
                return true;
            }
        }
        return false;
    }

    private void renewAll(Renewal renewal) {
        long now = System.nanoTime();
        held.forEach((id, members) -> {
            List<String> due = new ArrayList<>();
            for (Held h : members) {
                if (!h.member().equals(LOCAL) && now - h.since() >= youngNanos) {
                    due.add(h.member());
                }
            }
            if (!due.isEmpty()) {
                try {
                    renewal.renew(id, due);
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
