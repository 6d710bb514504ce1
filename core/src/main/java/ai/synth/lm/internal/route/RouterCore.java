package ai.synth.lm.internal.route;

import ai.synth.lm.ApiException;
import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.ContentPart;
import ai.synth.lm.RouterState;
import ai.synth.lm.RoutingStrategy;
import ai.synth.lm.Scheduler;
import ai.synth.lm.SystemMessage;
import ai.synth.lm.ToolMessage;
import ai.synth.lm.UserMessage;
import ai.synth.lm.internal.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every routed call shares: the model groups, the state, the settings and time. Picks a deployment for an
 * attempt (or says until when to wait) and applies the cooldown rule to failures.
 */
public final class RouterCore {

    private static final Logger log = LoggerFactory.getLogger("ai.synth.lm.Router");
    /**
     * How often a call waiting for a parallel-request slot of a shared state looks again (a state in this JVM wakes
     * it when a slot frees instead).
     */
    static final Duration SLOT_POLL = Duration.ofMillis(20);
    static final Duration FAIL_WINDOW = Duration.ofMinutes(1);
    /** Why no deployment was free: every one is cooling down (shared state). */
    static final String COOLING = "cooling down";
    /** Why no deployment was free: this call keeps away from one that just failed for a while. */
    static final String BACKING_OFF = "backing off after failing";
    /** Why no deployment was free: every one has its most calls in flight. */
    static final String SLOTS = "at their parallel-request limits";

    private final Map<String, List<Member>> groups;
    private final RouterState state;
    private final RouterSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final String ticketPrefix;
    private final AtomicLong tickets = new AtomicLong();
    private final Events events;
    /** Each deployment's calls of the last minute, for the default cooldown rule; empty with allowed_fails. */
    private final Map<String, MinuteCounts> minuteCounts;
    /** Deployments this router saw cooling, to tell when their cooldown is over. */
    private final Set<String> cooling = ConcurrentHashMap.newKeySet();

    /** A core over these groups (each list non-empty). */
    public RouterCore(Map<String, List<Member>> groups, RouterState state, RouterSettings settings, Clock clock,
            Scheduler scheduler, RandomGenerator random, Events events) {
        this.events = events;
        this.groups = Map.copyOf(groups);
        this.state = state;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.ticketPrefix = Long.toHexString(random.nextLong()) + "-";
        Map<String, MinuteCounts> counts = new java.util.HashMap<>();
        if (settings.allowedFails() == null) {
            groups.values().forEach(members -> members.forEach(m -> counts.put(m.id(), new MinuteCounts())));
        }
        this.minuteCounts = Map.copyOf(counts);
    }

    public Map<String, List<Member>> groups() {
        return groups;
    }

    public RouterSettings settings() {
        return settings;
    }

    RouterState state() {
        return state;
    }

    Clock clock() {
        return clock;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    RandomGenerator random() {
        return random;
    }

    Events events() {
        return events;
    }

    /**
     * A lease on the best available deployment of the group, or the instant to look again: one
     * {@link RouterState#acquire} (one round trip to a shared state).
     */
    Choice choose(String group, Instant now, Map<String, Instant> avoid, ChatCompletionRequest request) {
        List<Member> members = Picker.order(settings.strategy(), groups.get(group), state, random);
        boolean reserving = false;
        for (int i = 0; i < members.size() && !reserving; i++) {
            reserving = tracksUsage(members.get(i));
        }
        long tokens = reserving ? estimateTokens(request) : 0;
        // The state in memory needs a ticket only to settle a reservation; a shared state may name its lease by it.
        String ticket = reserving || !(state instanceof InMemoryRouterState) ? ticketPrefix + tickets.incrementAndGet()
                : null;
        List<RouterState.Candidate> candidates = new ArrayList<>(members.size());
        for (Member m : members) {
            Instant notBefore = avoid.isEmpty() ? null : avoid.get(m.id());
            var d = m.deployment();
            candidates.add(new RouterState.Candidate(m.id(), notBefore == null || !notBefore.isAfter(now),
                    d.maxParallelRequests(), d.rpm(), d.tpm(), tracksUsage(m)));
        }
        RouterState.Decision decision = state.acquire(candidates, Picker.stateOrder(settings.strategy()), ticket,
                tokens, now);
        for (Member m : members) {
            if (events.on() && !decision.cooling().containsKey(m.id()) && cooling.remove(m.id())) {
                events.cooldownEnded(group, m.id());
            }
            if (m.id().equals(decision.chosen())) {
                return new Choice(new Lease(this, m, ticket, tracksUsage(m) ? tokens : -1), null, null, null);
            }
        }
        return none(members, decision, now, avoid);
    }

    /** When to look again and why, after a decision that held nothing. */
    private Choice none(List<Member> members, RouterState.Decision decision, Instant now,
            Map<String, Instant> avoid) {
        Instant earliest = Instant.MAX;
        String why = COOLING;
        List<Member> open = new ArrayList<>(members.size());
        for (Member m : members) {
            Instant until = decision.cooling().get(m.id());
            Instant notBefore = avoid.get(m.id());
            if (notBefore != null && notBefore.isAfter(now) && (until == null || notBefore.isAfter(until))) {
                until = notBefore;
                why = BACKING_OFF;
            }
            if (until != null) {
                earliest = min(earliest, until);
            } else {
                open.add(m);
            }
        }
        List<Member> full = null;
        if (decision.full()) {
            if (state instanceof InMemoryRouterState) { // its release wakes the call: no need to look again
                full = open.stream().filter(m -> m.deployment().maxParallelRequests() > 0).toList();
            } else { // another JVM frees a slot of a shared state without telling this one
                earliest = min(earliest, now.plus(SLOT_POLL));
            }
            why = SLOTS;
        }
        if (decision.budgetFreeAt().isPresent()) {
            earliest = min(earliest, decision.budgetFreeAt().get());
            why = "at their rpm/tpm limits";
        }
        return new Choice(null, earliest, why, full == null || full.isEmpty() ? null : full);
    }

    private boolean tracksUsage(Member m) {
        return m.deployment().rpm() > 0 || m.deployment().tpm() > 0
                || settings.strategy() == RoutingStrategy.USAGE_BASED;
    }

    /**
     * Ends an attempt that failed: releases its lease and, when the failure counts toward a cooldown, records it
     * and applies the cooldown rule, in one {@link RouterState#finish}: past {@code allowed_fails} failures within a
     * minute when that is set, else LiteLLM's default rule ({@link CooldownRule}).
     */
    void failed(Lease lease, Throwable failure, boolean counts, Instant now) {
        if (!counts) {
            lease.release();
            return;
        }
        Member m = lease.member();
        Duration asked = failure instanceof ApiException api ? api.retryAfter().orElse(null) : null;
        Duration cooldown = asked != null ? asked : settings.cooldownTime();
        Integer allowedFails = settings.allowedFails();
        String why = null;
        if (allowedFails == null) {
            MinuteCounts calls = minuteCounts.get(m.id());
            calls.failure(now);
            why = CooldownRule.reason(failure instanceof ApiException api ? api.status() : 0, calls.successes(now),
                    calls.failures(now), alone(m));
            if (why == null) {
                lease.release();
                return;
            }
        }
        RouterState.Finished done = lease.fail(new RouterState.Failure(now, FAIL_WINDOW,
                allowedFails == null ? 0 : allowedFails, cooldown));
        if (!done.cooledDown()) {
            return;
        }
        why = why != null ? why : done.failures() + " failures within a minute";
        if (events.on()) {
            cooling.add(m.id());
            events.cooldownStarted(m.deployment().modelGroup(), m.id(), cooldown, why + ", the last: "
                    + RouteFailures.reason(failure));
        }
        log.info("Deployment {} of model group {} cools down for {} ms: {}", m.id(), m.deployment().modelGroup(),
                cooldown.toMillis(), why);
    }

    /** Counts a successful attempt toward the default cooldown rule's failure rate (nothing with allowed_fails). */
    void succeeded(Member m) {
        MinuteCounts calls = minuteCounts.get(m.id());
        if (calls != null) {
            calls.success(clock.instant());
        }
    }

    /** Whether the deployment is its group's only one and the group has no fallback to turn to. */
    private boolean alone(Member m) {
        String group = m.deployment().modelGroup();
        return groups.get(group).size() == 1 && settings.fallbacks().getOrDefault(group, List.of()).isEmpty();
    }

    /** The token estimate reserved before a call: prompt characters / 4 plus the most tokens it may generate. */
    public static long estimateTokens(ChatCompletionRequest request) {
        long chars = 0;
        for (ChatMessage message : request.messages()) {
            if (message instanceof UserMessage u) {
                chars += length(u.content()) + parts(u.parts());
            } else if (message instanceof ToolMessage t) {
                chars += length(t.content()) + parts(t.parts());
            } else if (message instanceof SystemMessage s) {
                chars += length(s.content());
            } else if (message instanceof AssistantMessage a) {
                chars += length(a.content());
            }
        }
        Integer max = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        return chars / 4 + (max == null ? 0 : max);
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }

    /** Text parts count by their characters; images and audio are not estimated. */
    private static long parts(List<? extends ContentPart> parts) {
        long chars = 0;
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text text) {
                chars += length(text.text());
            }
        }
        return chars;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * A future that completes when one of {@code full}'s deployments has a free parallel-request slot (at once if
     * one has now). Completing or cancelling it ends the waits on every one of them, so none lingers in the state.
     */
    CompletableFuture<Object> slotFreed(List<Member> full) {
        InMemoryRouterState memory = (InMemoryRouterState) state;
        CompletableFuture<?>[] waits = new CompletableFuture<?>[full.size()];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = memory.whenBelow(full.get(i).id(), full.get(i).deployment().maxParallelRequests());
        }
        CompletableFuture<Object> any = CompletableFuture.anyOf(waits);
        any.whenComplete((v, e) -> {
            for (CompletableFuture<?> wait : waits) {
                wait.cancel(false);
            }
        });
        return any;
    }

    /**
     * A lease, or when to look again and why none was free.
     *
     * @param full deployments at their parallel-request limits whose next release wakes the call (null: none); then
     *        {@code retryAt} is when something else might free up, {@link Instant#MAX} for nothing else
     */
    record Choice(Lease lease, Instant retryAt, String why, List<Member> full) {}
}
