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
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The router state of one JVM. Each deployment's records sit in one object of their own, so calls on different
 * deployments never contend. What every call touches (calls in flight, the cooldown's end, recent latencies) is read
 * and written without a lock, so that dozens of threads calling one deployment do not queue on its monitor; failures
 * and minute budgets, touched by failing or limited calls only, are guarded by the object's monitor. Minute budgets
 * are a sliding 60-second log, not fixed minute windows, so no burst of twice the limit passes at a minute boundary.
 */
public final class InMemoryRouterState implements RouterState {

    static final Duration MINUTE = Duration.ofMinutes(1);
    private static final int LATENCY_SAMPLES = 10;

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> warm = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> warmupLeases = new ConcurrentHashMap<>();

    private Slot slot(String id) {
        Slot s = slots.get(id);
        return s != null ? s : slots.computeIfAbsent(id, k -> new Slot());
    }

    @Override
    public boolean tryAcquire(String deploymentId, int max) {
        Slot s = slot(deploymentId);
        for (int n; ; ) {
            n = s.inFlight;
            if (max > 0 && n >= max) {
                return false;
            }
            if (IN_FLIGHT.compareAndSet(s, n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release(String deploymentId) {
        Slot s = slot(deploymentId);
        for (int n; (n = s.inFlight) > 0 && !IN_FLIGHT.compareAndSet(s, n, n - 1); ) {
            // another call moved the count first: read it again
        }
        // After the count's write, a waiter registered before it is seen here, and one registered after it sees the
        // new count itself (whenBelow looks again after registering): no wake-up is lost between the two.
        if (s.slotWaiters == null) {
            return;
        }
        List<CompletableFuture<Void>> wake;
        synchronized (s) {
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
        if (s.inFlight < max) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        synchronized (s) {
            List<CompletableFuture<Void>> waiters = s.slotWaiters;
            if (waiters == null) {
                waiters = new ArrayList<>(4);
            }
            waiters.removeIf(CompletableFuture::isDone);
            waiters.add(waiter);
            s.slotWaiters = waiters; // written again each time: the write release() must see, or this the count
        }
        if (s.inFlight < max) { // a release between the first look and the registration
            waiter.complete(null);
        }
        return waiter;
    }

    @Override
    public int inFlight(String deploymentId) {
        return slot(deploymentId).inFlight;
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
        Instant end = slot(deploymentId).cooldownEnd;
        return end != null && end.isAfter(now) ? Optional.of(end) : Optional.empty();
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
        long nanos = latency.toNanos();
        int i = (int) (LATENCIES_WRITTEN.getAndIncrement(s) % LATENCY_SAMPLES);
        s.latencies.set(i, nanos);
    }

    /**
     * The mean of the last {@value #LATENCY_SAMPLES} latencies recorded. A latency whose place was taken but not yet
     * written by a concurrent {@link #recordLatency} counts as the one it replaces (or 0 on the first round).
     */
    @Override
    public Optional<Duration> latency(String deploymentId) {
        Slot s = slot(deploymentId);
        long written = s.latenciesWritten;
        if (written == 0) {
            return Optional.empty();
        }
        int n = (int) Math.min(written, LATENCY_SAMPLES);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s.latencies.get(i);
        }
        return Optional.of(Duration.ofNanos(sum / n));
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

    private static final AtomicIntegerFieldUpdater<Slot> IN_FLIGHT =
            AtomicIntegerFieldUpdater.newUpdater(Slot.class, "inFlight");
    private static final AtomicLongFieldUpdater<Slot> LATENCIES_WRITTEN =
            AtomicLongFieldUpdater.newUpdater(Slot.class, "latenciesWritten");

    /**
     * One deployment's records. The calls in flight, the cooldown's end and the latencies are read without a lock
     * (the cooldown's end is written under the monitor, so that it only moves later); the rest is accessed under the
     * monitor.
     */
    private static final class Slot {
        volatile int inFlight;
        /**
         * Calls waiting for a parallel-request slot, woken all at once by the next release; null for none. Written
         * under the monitor, read first without it.
         */
        volatile List<CompletableFuture<Void>> slotWaiters;
        volatile Instant cooldownEnd;
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        final ArrayDeque<Use> usage = new ArrayDeque<>();
        long tokens;
        /** The last latencies in nanoseconds, a ring written at {@code latenciesWritten % LATENCY_SAMPLES}. */
        final AtomicLongArray latencies = new AtomicLongArray(LATENCY_SAMPLES);
        volatile long latenciesWritten;

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
