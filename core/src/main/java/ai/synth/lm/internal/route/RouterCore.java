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
    /** How often a call waiting only for a parallel-request slot looks again. */
    static final Duration SLOT_POLL = Duration.ofMillis(20);
    static final Duration FAIL_WINDOW = Duration.ofMinutes(1);
    /** Why no deployment was free: every one is cooling down (shared state). */
    static final String COOLING = "cooling down";
    /** Why no deployment was free: this call keeps away from one that just failed for a while. */
    static final String BACKING_OFF = "backing off after failing";

    private final Map<String, List<Member>> groups;
    private final RouterState state;
    private final RouterSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final String ticketPrefix;
    private final AtomicLong tickets = new AtomicLong();
    private final Events events;
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

    /** A lease on the best available deployment of the group, or the instant to look again. */
    Choice choose(String group, Instant now, Map<String, Instant> avoid, ChatCompletionRequest request) {
        List<Member> available = new ArrayList<>();
        Instant earliest = Instant.MAX;
        String why = COOLING;
        for (Member m : groups.get(group)) {
            Instant until = state.cooldownEnd(m.id(), now).orElse(null);
            Instant notBefore = avoid.get(m.id());
            if (notBefore != null && notBefore.isAfter(now) && (until == null || notBefore.isAfter(until))) {
                until = notBefore;
                why = BACKING_OFF;
            }
            if (until == null && events.on() && cooling.remove(m.id())) {
                events.cooldownEnded(group, m.id());
            }
            if (until != null) {
                earliest = min(earliest, until);
            } else {
                available.add(m);
            }
        }
        long tokens = -1;
        for (Member m : Picker.order(settings.strategy(), available, state, now, random)) {
            if (!state.tryAcquire(m.id(), m.deployment().maxParallelRequests())) {
                earliest = min(earliest, now.plus(SLOT_POLL));
                why = "at their parallel-request limits";
                continue;
            }
            String ticket = null;
            if (tracksUsage(m)) {
                tokens = tokens >= 0 ? tokens : estimateTokens(request);
                ticket = ticketPrefix + tickets.incrementAndGet();
                Instant free = state.tryReserve(m.id(), ticket, now, m.deployment().rpm(), m.deployment().tpm(),
                        tokens).orElse(null);
                if (free != null) {
                    state.release(m.id());
                    earliest = min(earliest, free);
                    why = "at their rpm/tpm limits";
                    continue;
                }
            }
            return new Choice(new Lease(state, clock, m, ticket, tokens), null, null);
        }
        return new Choice(null, earliest, why);
    }

    private boolean tracksUsage(Member m) {
        return m.deployment().rpm() > 0 || m.deployment().tpm() > 0
                || settings.strategy() == RoutingStrategy.USAGE_BASED;
    }

    /** Counts a failure of a deployment; past the allowed failures within a minute, cools it down. */
    void recordFailure(Member m, Throwable failure, Instant now) {
        int fails = state.recordFailure(m.id(), now, FAIL_WINDOW);
        if (fails <= settings.allowedFails()) {
            return;
        }
        Duration asked = failure instanceof ApiException api ? api.retryAfter().orElse(null) : null;
        Duration cooldown = asked != null ? asked : settings.cooldownTime();
        if (cooldown.isZero()) {
            return;
        }
        state.coolDown(m.id(), now.plus(cooldown));
        if (events.on()) {
            cooling.add(m.id());
            events.cooldownStarted(m.deployment().modelGroup(), m.id(), cooldown, fails + " failures within a minute, the"
                    + " last: " + RouteFailures.reason(failure));
        }
        state.clearFailures(m.id());
        log.info("Deployment {} of model group {} cools down for {} ms after {} failures within a minute",
                m.id(), m.deployment().modelGroup(), cooldown.toMillis(), fails);
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

    /** A lease, or when to look again and why none was free. */
    record Choice(Lease lease, Instant retryAt, String why) {}
}
