package ai.synth.lm.internal.route;

import ai.synth.lm.RouterState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router state of one JVM. Each deployment's records sit in one object guarded by its own lock, so calls on
 * different deployments never contend. Minute budgets are a sliding 60-second log, not fixed minute windows, so
 * no burst of twice the limit passes at a minute boundary.
 */
public final class InMemoryRouterState implements RouterState {

    static final Duration MINUTE = Duration.ofMinutes(1);
    private static final int LATENCY_SAMPLES = 10;

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> warm = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> warmupLeases = new ConcurrentHashMap<>();

    private Slot slot(String id) {
        return slots.computeIfAbsent(id, k -> new Slot());
    }

    @Override
    public boolean tryAcquire(String deploymentId, int max) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            if (max > 0 && s.inFlight >= max) {
                return false;
            }
            s.inFlight++;
            return true;
        }
    }

    @Override
    public void release(String deploymentId) {
        Slot s = slot(deploymentId);
        List<CompletableFuture<Void>> wake;
        synchronized (s) {
            s.inFlight = Math.max(0, s.inFlight - 1);
            wake = s.slotWaiters;
            s.slotWaiters = null;
        }
        if (wake != null) {
            wake.forEach(w -> w.complete(null));
        }
    }

    /**
     * Completes once the deployment has fewer than {@code max} calls in flight: at once if it has now, else when a
     * call is released (by any router on this state). A waiter that gave up may simply complete its future.
     */
    CompletableFuture<Void> whenBelow(String deploymentId, int max) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            if (s.inFlight < max) {
                return CompletableFuture.completedFuture(null);
            }
            if (s.slotWaiters == null) {
                s.slotWaiters = new ArrayList<>(4);
            }
            s.slotWaiters.removeIf(CompletableFuture::isDone);
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            s.slotWaiters.add(waiter);
            return waiter;
        }
    }

    @Override
    public int inFlight(String deploymentId) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            return s.inFlight;
        }
    }

    @Override
    public void coolDown(String deploymentId, Instant until) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            if (s.cooldownEnd == null || until.isAfter(s.cooldownEnd)) {
                s.cooldownEnd = until;
            }
        }
    }

    @Override
    public Optional<Instant> cooldownEnd(String deploymentId, Instant now) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            return s.cooldownEnd != null && s.cooldownEnd.isAfter(now) ? Optional.of(s.cooldownEnd) : Optional.empty();
        }
    }

    @Override
    public int recordFailure(String deploymentId, Instant now, Duration window) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            Instant from = now.minus(window);
            s.failures.removeIf(t -> !t.isAfter(from));
            s.failures.add(now);
            return s.failures.size();
        }
    }

    @Override
    public void clearFailures(String deploymentId) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            s.failures.clear();
        }
    }

    @Override
    public Optional<Instant> tryReserve(String deploymentId, String ticket, Instant now, int rpm, long tpm,
            long tokens) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            s.expire(now);
            boolean requestFits = rpm <= 0 || s.usage.size() < rpm;
            // A single call larger than the whole budget is let through on an empty window rather than never.
            boolean tokensFit = tpm <= 0 || s.tokens + tokens <= tpm || s.usage.isEmpty();
            if (requestFits && tokensFit) {
                s.usage.addLast(new Use(ticket, now, tokens));
                s.tokens += tokens;
                return Optional.empty();
            }
            return Optional.of(s.freeAt(rpm, tpm, tokens));
        }
    }

    @Override
    public void settle(String deploymentId, String ticket, long tokens) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            for (Use use : s.usage) {
                if (use.ticket.equals(ticket)) {
                    s.tokens += tokens - use.tokens;
                    use.tokens = tokens;
                    return;
                }
            }
        }
    }

    @Override
    public long tokensLastMinute(String deploymentId, Instant now) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            s.expire(now);
            return s.tokens;
        }
    }

    @Override
    public void recordLatency(String deploymentId, Duration latency) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            if (s.latencies.size() == LATENCY_SAMPLES) {
                s.latencies.removeFirst();
            }
            s.latencies.addLast(latency);
        }
    }

    @Override
    public Optional<Duration> latency(String deploymentId) {
        Slot s = slot(deploymentId);
        synchronized (s) {
            if (s.latencies.isEmpty()) {
                return Optional.empty();
            }
            long sum = 0;
            for (Duration d : s.latencies) {
                sum += d.toNanos();
            }
            return Optional.of(Duration.ofNanos(sum / s.latencies.size()));
        }
    }

    @Override
    public Optional<Instant> warmUntil(String key, Instant now) {
        Instant until = warm.get(key);
        return until != null && now.isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    @Override
    public void markWarm(String key, Instant until) {
        warm.put(key, until);
    }

    /** In one JVM a lease needs no expiry: its holder gives it back in a finally step. */
    @Override
    public boolean tryWarmupLease(String key, String holder, Duration ttl) {
        String had = warmupLeases.putIfAbsent(key, holder);
        return had == null || had.equals(holder);
    }

    @Override
    public void endWarmupLease(String key, String holder) {
        warmupLeases.remove(key, holder);
    }

    /** Forgets every warm mark. */
    public void forgetWarm() {
        warm.clear();
    }

    @Override
    public String toString() {
        return "InMemoryRouterState[" + slots.size() + " deployments]";
    }

    /** One deployment's records; every access holds its monitor. */
    private static final class Slot {
        int inFlight;
        /** Calls waiting for a parallel-request slot, woken all at once by the next release; null for none. */
        List<CompletableFuture<Void>> slotWaiters;
        Instant cooldownEnd;
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        final ArrayDeque<Use> usage = new ArrayDeque<>();
        long tokens;
        final ArrayDeque<Duration> latencies = new ArrayDeque<>();

        void expire(Instant now) {
            Instant from = now.minus(MINUTE);
            while (!usage.isEmpty() && !usage.peekFirst().at.isAfter(from)) {
                tokens -= usage.removeFirst().tokens;
            }
        }

        /** The earliest instant at which enough old uses have left the window for one more call to fit. */
        Instant freeAt(int rpm, long tpm, long tokens) {
            long needTokens = tpm <= 0 ? Long.MIN_VALUE : tokens - (tpm - this.tokens);
            int needRequests = rpm <= 0 ? 0 : usage.size() - rpm + 1;
            long freed = 0;
            int dropped = 0;
            Iterator<Use> it = usage.iterator();
            Instant last = null;
            while (it.hasNext() && (dropped < needRequests || freed < needTokens)) {
                Use use = it.next();
                freed += use.tokens;
                dropped++;
                last = use.at;
            }
            return last == null ? Instant.MAX : last.plus(MINUTE).plusNanos(1);
        }
    }

    /** One call's share of the minute budget. */
    private static final class Use {
        final String ticket;
        final Instant at;
        long tokens;

        Use(String ticket, Instant at, long tokens) {
            this.ticket = ticket;
            this.at = at;
            this.tokens = tokens;
        }
    }
}
