package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonValueIO;

import ai.synth.lm.internal.http.Request;
import ai.synth.lm.internal.http.Response;

import ai.synth.lm.RouterState;
import ai.synth.lm.WarmupEvent;
import ai.synth.lm.WarmupOptions;
import ai.synth.lm.WarmupResult;
import ai.synth.lm.WarmupResult.Outcome;
import ai.synth.lm.internal.route.InMemoryRouterState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms Synth models up: {@code POST B/warmup/{model}}, then {@code GET B/warmup/status/{model}} until
 * {@code warmed}, {@code failed} or the attempts run out. A warm model is remembered for 10 minutes per
 * (base URL, model) across the process, as the Python library does; concurrent warmups of one model share one
 * start request and one poll loop. Given a shared {@link RouterState}, the warm marks live there, and a warmup
 * lease in it lets one JVM of many send the start request while the others wait for the mark (or for the lease,
 * should its holder die).
 */
public final class Warmer {

    /** How long a warmed model is remembered as warm. */
    public static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration MAX_POLL_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(Warmer.class);

    /** How long a warmup lease lasts unless its holder extends it (at every status check). */
    public static final Duration LEASE_TTL = Duration.ofSeconds(60);

    /** The process-wide warm marks of providers without a shared state. */
    private static final InMemoryRouterState PROCESS = new InMemoryRouterState();
    private static final Map<String, CompletableFuture<WarmupResult>> FLIGHTS = new ConcurrentHashMap<>();

    private final HttpEngine engine;
    private final ProviderSettings settings;
    private final Failures failures;
    private final RouterState state;

    /** A warmer using the engine's HTTP client and settings, with process-wide warm marks. */
    public Warmer(HttpEngine engine) {
        this(engine, null);
    }

    /** A warmer keeping warm marks and warmup leases in {@code state} (null: process-wide in memory). */
    public Warmer(HttpEngine engine, RouterState state) {
        this.engine = engine;
        this.settings = engine.settings();
        this.failures = new Failures(settings);
        this.state = state != null ? state : PROCESS;
    }

    /** Forgets every model remembered as warm in this process (not in a shared state). */
    public static void clearCache() {
        PROCESS.forgetWarm();
    }

    /** Whether the model is remembered as warm on this backend now. */
    public boolean isCachedWarm(String model) {
        return state.warmUntil(key(model), settings.clock().instant()).isPresent();
    }

    /** Warms the model up, or answers from the cache unless {@code force}. */
    public CompletableFuture<WarmupResult> warmup(String model, WarmupOptions options) {
        String path = PathSegments.encodeModel(model);
        engine.ensureOpen();
        if (!options.force() && isCachedWarm(model)) {
            return CompletableFuture.completedFuture(new WarmupResult(model, Outcome.CACHED, 0, Duration.ZERO, null));
        }
        String key = key(model);
        CompletableFuture<WarmupResult> mine = new CompletableFuture<>();
        CompletableFuture<WarmupResult> shared = FLIGHTS.putIfAbsent(key, mine);
        if (shared != null) {
            return shared.thenApply(r -> r);
        }
        new Flight(key, model, path, options, settings.clock().instant(), mine).start();
        return mine.thenApply(r -> r);
    }

    private String key(String model) {
        return settings.warmupBase() + "\n" + model;
    }

    /** One warmup: a start request, then status checks. */
    private final class Flight {
        private final String key;
        private final String model;
        private final String path;
        private final WarmupOptions options;
        private final Instant started;
        private final CompletableFuture<WarmupResult> result;
        private final Duration pollTimeout;
        private final String holder = UUID.randomUUID().toString();

        Flight(String key, String model, String path, WarmupOptions options, Instant started,
                CompletableFuture<WarmupResult> result) {
            this.key = key;
            this.model = model;
            this.path = path;
            this.options = options;
            this.started = started;
            this.result = result;
            this.pollTimeout = settings.timeout().compareTo(MAX_POLL_TIMEOUT) < 0 ? settings.timeout() : MAX_POLL_TIMEOUT;
        }

        void start() {
            try {
                if (state.tryWarmupLease(key, holder, LEASE_TTL)) {
                    sendUnlessWarm(0);
                } else {
                    event("waiting", 0, null);
                    awaitOther(1);
                }
            } catch (RuntimeException e) { // it is in FLIGHTS already: every later warmup of the model would join it
                fail(e);
            }
        }

        /** With the lease: another process may have marked the model warm and let the lease go just before. */
        private void sendUnlessWarm(int attempt) {
            if (!options.force() && state.warmUntil(key, settings.clock().instant()).isPresent()) {
                finish(attempt == 0 ? Outcome.CACHED : Outcome.WARMED, attempt, null);
            } else {
                send();
            }
        }

        /** Another process holds the lease: wait for its warm mark, or take the lease should it lapse. */
        private void awaitOther(int attempt) {
            engine.delay(options.pollInterval()).whenComplete((ignored, e) -> {
                try {
                    if (e != null) {
                        fail(e);
                    } else if (state.warmUntil(key, settings.clock().instant()).isPresent()) {
                        event("warmed", attempt, null);
                        finish(Outcome.WARMED, attempt, null);
                    } else if (state.tryWarmupLease(key, holder, LEASE_TTL)) {
                        sendUnlessWarm(attempt);
                    } else if (attempt >= options.maxAttempts()) {
                        finish(Outcome.EXHAUSTED, attempt, model + " was not warm after " + attempt
                                + " checks while another process warmed it (" + Failures.seconds(elapsed())
                                + "); try again, or allow more with maxAttempts");
                    } else {
                        awaitOther(attempt + 1);
                    }
                } catch (RuntimeException bug) {
                    fail(bug);
                }
            });
        }

        private void send() {
            Request start = engine.request("POST", URI.create(settings.warmupBase() + "/warmup/" + path));
            if (options.gpuPreference() != null) {
                start = start.withHeaders(Map.of("X-GPU-Preference", options.gpuPreference()));
            }
            event("starting", 0, null);
            engine.sendOnce(start, pollTimeout).whenComplete((response, error) -> {
                try {
                    onStart(response, error);
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }

        private void onStart(Response response, Throwable error) {
            if (error != null) {
                finish(Outcome.REJECTED, 0, "the warmup request failed: "
                        + new Failures(settings).noResponse(Futures.unwrap(error), 1).getMessage());
                return;
            }
            if (response.status() != 200) {
                String message = Failures.providerMessage(response.headers(), response.bytes());
                finish(Outcome.REJECTED, 0, "the backend answered HTTP " + response.status()
                        + " to the warmup request" + (message == null ? "" : ": " + message));
                return;
            }
            String status = statusOf(response);
            event(status, 0, null);
            if ("already_warmed".equals(status) || "warmed".equals(status)) {
                finish(Outcome.ALREADY_WARM, 0, null);
            } else {
                poll(1);
            }
        }

        private void poll(int attempt) {
            state.tryWarmupLease(key, holder, LEASE_TTL); // still warming: the lease lives on
            Request status = engine.request("GET", URI.create(settings.warmupBase() + "/warmup/status/" + path));
            engine.sendOnce(status, pollTimeout).whenComplete((response, error) -> {
                try {
                    onStatus(attempt, response, error);
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }

        private void onStatus(int attempt, Response response, Throwable error) {
            if (engine.isClosed()) {
                finish(Outcome.REJECTED, attempt, "the provider was closed during the warmup");
                return;
            }
            if (error != null || response.status() != 200) {
                String why = error != null ? String.valueOf(Futures.unwrap(error).getMessage())
                        : "HTTP " + response.status();
                event("error", attempt, "status check failed (" + why + "); polling on");
            } else {
                String status = statusOf(response);
                if ("warmed".equals(status) || "already_warmed".equals(status)) {
                    event("warmed", attempt, null);
                    finish(Outcome.WARMED, attempt, null);
                    return;
                }
                if ("failed".equals(status)) {
                    String message = Failures.providerMessage(response.headers(), response.bytes());
                    event("failed", attempt, message);
                    finish(Outcome.FAILED, attempt, "the backend reported the warmup failed"
                            + (message == null ? "" : ": " + message));
                    return;
                }
                event(status == null ? "unknown" : status, attempt, null);
            }
            if (attempt >= options.maxAttempts()) {
                finish(Outcome.EXHAUSTED, attempt, model + " was not warm after " + attempt + " status checks ("
                        + Failures.seconds(elapsed()) + "); try again, or allow more with maxAttempts");
                return;
            }
            engine.delay(options.pollInterval()).whenComplete((ignored, e) -> { // ends early if the provider closes
                if (e != null) {
                    fail(e);
                } else {
                    try {
                        poll(attempt + 1);
                    } catch (RuntimeException bug) {
                        fail(bug);
                    }
                }
            });
        }

        private void finish(Outcome outcome, int attempts, String error) {
            // The backend's words may quote the key (an echoed 401); results and their exceptions never do.
            WarmupResult r = new WarmupResult(model, outcome, attempts, elapsed(), failures.scrub(error));
            try {
                if (r.warm()) {
                    state.markWarm(key, settings.clock().instant().plus(TTL));
                }
                state.endWarmupLease(key, holder);
            } catch (RuntimeException e) {
                log.warn("Could not record the warmup of {} in the shared state: {}", model, e.toString());
            }
            FLIGHTS.remove(key, result); // before completing: a caller woken by it must not join this flight
            result.complete(r);
        }

        private void fail(Throwable e) {
            try {
                state.endWarmupLease(key, holder);
            } catch (RuntimeException ignored) {
                // the lease ends by its expiry
            }
            FLIGHTS.remove(key, result);
            result.completeExceptionally(e);
        }

        private Duration elapsed() {
            Duration d = Duration.between(started, settings.clock().instant());
            return d.isNegative() ? Duration.ZERO : d;
        }

        private void event(String status, int attempt, String error) {
            try {
                WarmupEvent event = new WarmupEvent(model, status, attempt, elapsed(), failures.scrub(error));
                settings.events().warmup(event);
                options.listener().accept(event);
            } catch (RuntimeException e) {
                log.warn("A warmup listener threw; ignoring it", e);
            }
        }
    }

    private String statusOf(Response response) {
        try {
            Object json = JsonValueIO.parse(response.bytes());
            if (json instanceof Map<?, ?> map && map.get("status") instanceof String s) {
                return s;
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("Warmup status body is not JSON: {}",
                    failures.scrub(new String(response.bytes(), StandardCharsets.UTF_8)));
        }
        return null;
    }
}
