package ai.synth.lm.internal;

import ai.synth.lm.ConnectionException;
import ai.synth.lm.RequestTimeoutException;
import ai.synth.lm.SynthLMException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Fails a stream when its first byte is late, when it goes quiet between events while its reader waits on the
 * network, or when the whole stream runs too long. Time spent waiting on a slow reader is not idle time. One task
 * on the engine's timers, rescheduled at most one idle period ahead; no thread of its own.
 */
final class StreamWatchdog {

    private final HttpEngine engine;
    private final ProviderSettings s;
    private final BooleanSupplier ended;
    private final BooleanSupplier awaitingNetwork;
    private final IntSupplier chunks;
    private final IntSupplier attempts;
    private final Consumer<SynthLMException> fail;
    private volatile long startNanos = System.nanoTime();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean firstByte;
    private volatile ScheduledFuture<?> task;

    StreamWatchdog(HttpEngine engine, BooleanSupplier ended, BooleanSupplier awaitingNetwork, IntSupplier chunks,
            IntSupplier attempts, Consumer<SynthLMException> fail) {
        this.engine = engine;
        this.s = engine.settings();
        this.ended = ended;
        this.awaitingNetwork = awaitingNetwork;
        this.chunks = chunks;
        this.attempts = attempts;
        this.fail = fail;
    }

    /** Starts watching: the body is open. */
    void start() {
        startNanos = System.nanoTime();
        lastProgressNanos = startNanos;
        schedule(Math.min(Math.min(s.firstByteTimeout().toNanos(), s.idleTimeout().toNanos()),
                s.streamTimeout().toNanos()));
    }

    /** An event arrived, or the reader starts waiting on the network: the first-byte or idle wait starts now. */
    void progress() {
        lastProgressNanos = System.nanoTime();
    }

    /** Bytes arrived: from now on the idle limit applies. */
    void firstByte() {
        firstByte = true;
    }

    /** Stops watching. */
    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void schedule(long delayNanos) {
        if (ended.getAsBoolean()) {
            return;
        }
        try {
            task = engine.timers().schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            fail.accept(new ConnectionException("The " + s.provider() + " provider was closed while the stream was"
                    + " open", null, s.provider(), attempts.getAsInt()));
        }
    }

    private void check() {
        if (ended.getAsBoolean()) {
            return;
        }
        long now = System.nanoTime();
        long total = s.streamTimeout().toNanos() - (now - startNanos);
        if (total <= 0) {
            timeout(RequestTimeoutException.Kind.STREAM, s.streamTimeout(), "the whole stream took longer than");
            return;
        }
        if (!awaitingNetwork.getAsBoolean()) {
            lastProgressNanos = now; // waiting on the reader, not the network: no timeout but the total
        }
        Duration limit = firstByte ? s.idleTimeout() : s.firstByteTimeout();
        long left = limit.toNanos() - (now - lastProgressNanos);
        if (left <= 0) {
            if (firstByte) {
                timeout(RequestTimeoutException.Kind.IDLE, limit, "no event arrived for");
            } else {
                timeout(RequestTimeoutException.Kind.FIRST_BYTE, limit, "the first byte did not arrive within");
            }
            return;
        }
        // Never sleep past one idle period: the first byte may come before the first-byte deadline, and from then
        // on the idle limit, usually much shorter, applies.
        schedule(Math.min(Math.min(left, total), s.idleTimeout().toNanos()));
    }

    private void timeout(RequestTimeoutException.Kind kind, Duration limit, String what) {
        fail.accept(new RequestTimeoutException("The " + s.provider() + " stream timed out after "
                + chunks.getAsInt() + " chunks: " + what + " " + Failures.seconds(limit) + " ("
                + kind.name().toLowerCase(Locale.ROOT) + " timeout). Raise it with the config's " + switch (kind) {
                    case FIRST_BYTE -> "firstByteTimeout";
                    case IDLE -> "idleTimeout";
                    default -> "streamTimeout";
                } + "(...), or warm the model up first.", null, s.provider(), kind, limit, attempts.getAsInt()));
    }
}
