package ai.synth.lm;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.internal.Events;
import ai.synth.lm.internal.route.Member;
import ai.synth.lm.internal.route.RouterConfigFile;
import ai.synth.lm.internal.route.RouterCore;
import ai.synth.lm.internal.route.RouterSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link Router}: deployments, strategy, retries, cooldowns, fallbacks, and the state, clock and
 * scheduler it runs on. Each setter checks its value at once. Not thread-safe.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .deployment(Deployment.builder("chat", "openai", "gpt-4o-mini").id("openai").apiKey(key).build())
 *         .deployment(Deployment.builder("chat", "openai", "Qwen/Qwen2.5-7B-Instruct").id("vllm")
 *                 .baseUrl("http://10.0.0.5:8000/v1").apiKey("EMPTY").rpm(600).build())
 *         .routingStrategy(RoutingStrategy.LEAST_BUSY)
 *         .fallbacks("chat", List.of("backup"))
 *         .build();
 * }</pre>
 */
public final class RouterBuilder {

    /** The default retries within a model group after the first attempt: 2. */
    public static final int DEFAULT_NUM_RETRIES = 2;
    /** The default cooldown when a failure asked for no particular wait: 5 seconds. */
    public static final Duration DEFAULT_COOLDOWN_TIME = Duration.ofSeconds(5);
    /** The default per-attempt timeout of deployments that set none: 120 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** The default longest time of a whole call, waits and retries included: 10 minutes. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);

    private final List<Deployment> deployments = new ArrayList<>();
    private RoutingStrategy strategy = RoutingStrategy.SIMPLE_SHUFFLE;
    private int numRetries = DEFAULT_NUM_RETRIES;
    private Integer allowedFails;
    private Duration cooldownTime = DEFAULT_COOLDOWN_TIME;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(8);
    private final Map<String, List<String>> fallbacks = new LinkedHashMap<>();
    private final Map<String, List<String>> contextWindowFallbacks = new LinkedHashMap<>();
    private final Map<String, List<String>> contentPolicyFallbacks = new LinkedHashMap<>();
    private RouterState state;
    /** Each calling thread's own generator: no state shared between threads, so none raced on or contended for. */
    private static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Scheduler.system();
    private RandomGenerator random;
    private Map<String, String> environment;
    private LMListener listener = LMListener.NONE;

    RouterBuilder() {}

    /** Adds a deployment; ids must be unique. */
    public RouterBuilder deployment(Deployment deployment) {
        deployments.add(Objects.requireNonNull(deployment, "deployment"));
        return this;
    }

    /** How deployments are picked. Default {@link RoutingStrategy#SIMPLE_SHUFFLE}. */
    public RouterBuilder routingStrategy(RoutingStrategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /** Retries within a model group after the first attempt, 0 to 100. Default 2. */
    public RouterBuilder numRetries(int numRetries) {
        if (numRetries < 0 || numRetries > 100) {
            throw new IllegalArgumentException("numRetries must be from 0 to 100, was " + numRetries);
        }
        this.numRetries = numRetries;
        return this;
    }

    /**
     * Failures within a minute a deployment may have; one more cools it down. Not negative.
     *
     * <p>Unset (the default), the router follows LiteLLM's rule for a router without {@code allowed_fails}: a
     * deployment cools down at once on a 429 when its group has another deployment or a fallback, or on a 401 or
     * 404; and when more than half of its calls within the last minute failed (from 5 calls on), or, alone in its
     * group, when all of at least 1,000 calls did. Those counts are kept per router, in memory.
     */
    public RouterBuilder allowedFails(int allowedFails) {
        if (allowedFails < 0) {
            throw new IllegalArgumentException("allowedFails must not be negative, was " + allowedFails);
        }
        this.allowedFails = allowedFails;
        return this;
    }

    /** How long a deployment cools down when its failure asked for no wait; 0 turns cooldowns off. Default 5 s. */
    public RouterBuilder cooldownTime(Duration cooldownTime) {
        if (cooldownTime == null || cooldownTime.isNegative()) {
            throw new IllegalArgumentException("cooldownTime must be 0 or more, was " + cooldownTime);
        }
        this.cooldownTime = cooldownTime;
        return this;
    }

    /** The per-attempt timeout of deployments that set none. Default 120 s. */
    public RouterBuilder timeout(Duration timeout) {
        this.timeout = positive("timeout", timeout);
        return this;
    }

    /**
     * How long a whole call may go on: no wait for capacity or cooldown, and no retry, starts past it (an attempt in
     * flight is bounded by its own timeout). Default 10 minutes.
     */
    public RouterBuilder deadline(Duration deadline) {
        this.deadline = positive("deadline", deadline);
        return this;
    }

    /** The wait before retrying a deployment that just failed, doubling per retry. Default 0.5 s. */
    public RouterBuilder initialBackoff(Duration initialBackoff) {
        this.initialBackoff = positive("initialBackoff", initialBackoff);
        return this;
    }

    /** The longest backoff. Default 8 s. */
    public RouterBuilder maxBackoff(Duration maxBackoff) {
        this.maxBackoff = positive("maxBackoff", maxBackoff);
        return this;
    }

    /** Model groups tried in order once {@code modelGroup}'s retries are spent on a retryable failure. */
    public RouterBuilder fallbacks(String modelGroup, List<String> to) {
        fallbacks.put(requireGroup(modelGroup), List.copyOf(to));
        return this;
    }

    /** Model groups tried in order when a prompt is too long for {@code modelGroup}'s context window. */
    public RouterBuilder contextWindowFallbacks(String modelGroup, List<String> to) {
        contextWindowFallbacks.put(requireGroup(modelGroup), List.copyOf(to));
        return this;
    }

    /** Model groups tried in order when {@code modelGroup}'s provider refuses a request by content policy. */
    public RouterBuilder contentPolicyFallbacks(String modelGroup, List<String> to) {
        contentPolicyFallbacks.put(requireGroup(modelGroup), List.copyOf(to));
        return this;
    }

    /** Where cooldowns, counts and budgets live. Default a new {@link RouterState#inMemory()} per router. */
    public RouterBuilder state(RouterState state) {
        this.state = Objects.requireNonNull(state, "state");
        return this;
    }

    /**
     * A state shared by the routers of several JVMs, such as {@code RedisState} of {@code synth-lm-redis}: the same
     * as {@link #state(RouterState)}, named for what it is for.
     */
    public RouterBuilder sharedState(RouterState state) {
        return state(state);
    }

    /** The clock of cooldowns, budgets and deadlines (also given to each deployment's provider). */
    public RouterBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The scheduler of waits (also given to each deployment's provider). Default {@link Scheduler#system()}. */
    public RouterBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * The source of randomness for shuffles, tie-breaks and jitter. Every thread that makes a call draws from it, so
     * it must be thread-safe (as {@link java.util.Random} is); a seeded generator that is not, such as
     * {@link java.util.SplittableRandom}, fits calls made from one thread at a time, as in a test. Default each
     * thread's {@link java.util.concurrent.ThreadLocalRandom}.
     */
    public RouterBuilder random(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /**
     * Who is told of each deployment call (named by its deployment), of retries across deployments, cooldowns and
     * waits for capacity: see {@link LMListener}. Default {@link LMListener#NONE}.
     */
    public RouterBuilder listener(LMListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener: use LMListener.NONE for none");
        return this;
    }

    /**
     * Reads {@code os.environ/NAME} keys and the providers' unset settings from these variables instead of the
     * process environment and the {@code .env} file of the working directory. Set it before {@link #config(Path)}.
     */
    public RouterBuilder environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    /**
     * Adds the deployments and router settings of a LiteLLM-style {@code config.yaml}; settings set on this builder
     * afterwards win.
     *
     * @throws ConfigurationException naming the entry and the fix when the file is unreadable or malformed
     */
    public RouterBuilder config(Path path) {
        RouterConfigFile.load(path, environment != null ? Environment.ofMap(environment) : Environment.system(), this);
        return this;
    }

    /**
     * The router, with a provider per deployment (no retries of its own).
     *
     * @throws IllegalArgumentException if there is no deployment, two share an id, or a fallback names an unknown
     *         group
     * @throws ConfigurationException if a deployment's provider lacks a setting
     */
    public Router build() {
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("A router needs at least one deployment: add one with deployment(...)"
                    + " or a model_list entry in its config file");
        }
        Set<String> ids = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (Deployment d : deployments) {
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException("Two deployments have the id '" + d.id()
                        + "': give each its own (model_info.id in a config file)");
            }
            groups.add(d.modelGroup());
        }
        checkFallbacks("fallbacks", fallbacks, groups);
        checkFallbacks("contextWindowFallbacks", contextWindowFallbacks, groups);
        checkFallbacks("contentPolicyFallbacks", contentPolicyFallbacks, groups);
        RouterSettings settings = new RouterSettings(strategy, numRetries, allowedFails, cooldownTime, timeout,
                deadline, initialBackoff, maxBackoff, fallbacks, contextWindowFallbacks, contentPolicyFallbacks);
        List<Member> members = new ArrayList<>();
        try {
            for (Deployment d : deployments) {
                members.add(new Member(d, provider(d)));
            }
        } catch (RuntimeException e) {
            members.forEach(m -> m.provider().close());
            throw e;
        }
        RandomGenerator rnd = random != null ? random : THREAD_LOCAL_RANDOM;
        RouterCore core = new RouterCore(Router.byGroup(members), state != null ? state : RouterState.inMemory(),
                settings, clock, scheduler, rnd, Events.of(listener, "router", null, null));
        return new Router(core, members);
    }

    private UnifiedLMProvider provider(Deployment d) {
        Duration t = d.timeout() != null ? d.timeout() : timeout;
        try {
            if (d.provider().equals("synth")) {
                SynthConfig.Builder b = SynthConfig.builder().maxRetries(0).timeout(t).clock(clock).scheduler(scheduler)
                        .listener(listener).deployment(d.id())
                        .sharedState(state);
                if (environment != null) {
                    b.environment(environment);
                }
                return new SynthProvider(b.baseUrl(d.baseUrl()).apiKey(d.apiKey()).build());
            }
            OpenAIConfig.Builder b = OpenAIConfig.builder().maxRetries(0).timeout(t).clock(clock).scheduler(scheduler)
                    .listener(listener).deployment(d.id());
            if (environment != null) {
                b.environment(environment);
            }
            return new OpenAIProvider(b.baseUrl(d.baseUrl()).apiKey(d.apiKey()).build());
        } catch (ConfigurationException e) {
            throw new ConfigurationException("Deployment '" + d.id() + "' of model group '" + d.modelGroup()
                    + "': " + e.getMessage());
        }
    }

    private static void checkFallbacks(String name, Map<String, List<String>> map, Set<String> groups) {
        map.forEach((from, to) -> {
            for (String g : to) {
                if (!groups.contains(g)) {
                    throw new IllegalArgumentException(name + " of '" + from + "' names '" + g
                            + "', which no deployment serves; model groups: " + new java.util.TreeSet<>(groups));
                }
            }
        });
    }

    private static String requireGroup(String group) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("a model group name must not be empty");
        }
        return group;
    }

    private static Duration positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
