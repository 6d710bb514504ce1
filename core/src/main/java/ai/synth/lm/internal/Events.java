package ai.synth.lm.internal;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.WarmupEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of an {@link LMListener}: makes the events and tells the listener defensively, so that a
 * listener that throws never breaks a call. With no listener every method returns at once and nothing is made.
 */
public final class Events {

    private static final Logger log = LoggerFactory.getLogger(LMListener.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** No listener. */
    public static final Events NONE = new Events(null, "none", null, null, -1);

    private final LMListener listener;
    private final String provider;
    private final String deployment;
    private final String host;
    private final int port;
    private final boolean attempts;

    private Events(LMListener listener, String provider, String deployment, String host, int port) {
        this.listener = listener;
        this.provider = provider;
        this.deployment = deployment;
        this.host = host;
        this.port = port;
        this.attempts = listener != null && overrides(listener, "attemptEnded", LMListener.Attempt.class);
    }

    /**
     * Whether {@code listener}'s class has its own {@code method}, rather than the interface's no-op default: an
     * event nobody handles is then not made at all (a call would pay for it on every attempt).
     */
    static boolean overrides(LMListener listener, String method, Class<?> event) {
        try {
            return listener.getClass().getMethod(method, event).getDeclaringClass() != LMListener.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true;
        }
    }

    /** The events of a provider calling {@code apiBase}; {@link #NONE} without a listener. */
    public static Events of(LMListener listener, String provider, String deployment, String apiBase) {
        if (listener == null || listener == LMListener.NONE) {
            return NONE;
        }
        URI uri = apiBase == null ? null : URI.create(apiBase);
        int port = uri == null ? -1 : uri.getPort() >= 0 ? uri.getPort()
                : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return new Events(listener, provider, deployment, uri == null ? null : uri.getHost(), port);
    }

    /** Whether anyone listens. */
    public boolean on() {
        return listener != null;
    }

    /** Whether the listener handles {@link LMListener#attemptEnded}, so that attempts are worth telling. */
    boolean tellsAttempts() {
        return attempts;
    }

    /** The listener, or {@link LMListener#NONE}. */
    public LMListener listener() {
        return listener == null ? LMListener.NONE : listener;
    }

    /** Starts a call: tells the listener, and returns what the call reports its steps to. */
    public CallEvents start(ChatCompletionRequest request, boolean stream) {
        if (listener == null) {
            return CallEvents.NONE;
        }
        LMCall call = new LMCall(provider, deployment, host, port, request, stream);
        tell("callStarted", LMListener::callStarted, call);
        return new CallEvents(this, call);
    }

    /** A connection to {@code authority} is being opened. */
    public void connectionOpened(String authority) {
        if (listener != null) {
            tell("connectionOpened", LMListener::connectionOpened, new LMListener.Connection(provider, authority));
        }
    }

    /** A request goes again on a new connection after a pooled one failed with {@code cause}. */
    public void requestResent(String authority, Throwable cause) {
        if (listener != null) {
            tell("requestResent", LMListener::requestResent, new LMListener.Resend(provider, authority,
                    String.valueOf(cause)));
        }
    }

    /** A warmup step. */
    public void warmup(WarmupEvent event) {
        if (listener != null) {
            tell("warmupProgress", LMListener::warmupProgress, event);
        }
    }

    /** A router retries elsewhere after {@code deployment} failed. */
    public void routerRetry(String deployment, int attempt, Duration wait, String reason) {
        if (listener != null) {
            tell("retryScheduled", LMListener::retryScheduled, new LMListener.Retry(null, deployment, attempt, wait,
                    reason));
        }
    }

    /** A router's deployment cools down. */
    public void cooldownStarted(String group, String deployment, Duration length, String reason) {
        if (listener != null) {
            tell("cooldownStarted", LMListener::cooldownStarted, new LMListener.Cooldown(group, deployment, length,
                    reason));
        }
    }

    /** A router's deployment is no longer cooling. */
    public void cooldownEnded(String group, String deployment) {
        if (listener != null) {
            tell("cooldownEnded", LMListener::cooldownEnded, new LMListener.Cooldown(group, deployment, Duration.ZERO,
                    "over"));
        }
    }

    /** A routed call waits for capacity. */
    public void limiterWait(String group, Duration wait, String why) {
        if (listener != null) {
            tell("limiterWait", LMListener::limiterWait, new LMListener.LimiterWait(group, wait, why));
        }
    }

    /** Tells the listener {@code event} of {@code argument} (a method reference and its argument: nothing to make). */
    <T> void tell(String method, BiConsumer<LMListener, T> event, T argument) {
        safely(listener, method, event, argument);
    }

    /**
     * Runs one event on one listener; a throw is logged (a warning the first time for a listener class and method,
     * debug after) and goes no further. Errors a JVM cannot recover from still propagate.
     */
    static <T> void safely(LMListener listener, String method, BiConsumer<LMListener, T> event, T argument) {
        try {
            event.accept(listener, argument);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            String key = listener.getClass().getName() + "#" + method;
            if (WARNED.add(key)) {
                log.warn("The listener {} threw from {}; the call goes on (further throws are logged at debug level)",
                        listener.getClass().getName(), method, e);
            } else {
                log.debug("The listener {} threw from {}", listener.getClass().getName(), method, e);
            }
        }
    }

    /** Listeners told in order, each defensively. */
    public static LMListener fanOut(List<LMListener> listeners) {
        return new FanOut(List.copyOf(listeners));
    }

    /** A listener told on an executor. */
    public static LMListener onExecutor(LMListener listener, Executor executor) {
        return new OnExecutor(listener, executor);
    }
}
