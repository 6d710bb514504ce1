package ai.synth.lm.internal;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.RequestTimeoutException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chat completion stream read on the caller's thread: each {@link #next()} reads the body until the next chunk,
 * so no thread sits between the network and the reader. A watchdog closes the body when the first byte is late,
 * when it goes quiet between events while the reader waits on it, or when the whole stream runs too long; the
 * blocked read then ends with the timeout's typed error.
 */
public final class BlockingStream implements AutoCloseable {

    private final HttpEngine engine;
    private final ProviderSettings s;
    private final InputStream in;
    private final int attempts;
    private final ChunkEvents events;
    private final ArrayDeque<ChatCompletionChunk> pending = new ArrayDeque<>();
    private final byte[] buffer = new byte[16 * 1024];
    private final AtomicReference<SynthLMException> stopped = new AtomicReference<>();
    private final long startNanos = System.nanoTime();
    private final Runnable untrack;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean reading;
    private volatile boolean firstByte;
    private volatile boolean closedByReader;
    private volatile ScheduledFuture<?> watchdog;
    private boolean ended;
    private SynthLMException failure;

    BlockingStream(HttpEngine engine, InputStream in, int attempts) {
        this.engine = engine;
        this.s = engine.settings();
        this.in = in;
        this.attempts = attempts;
        this.events = new ChunkEvents(s, new ChunkEvents.Sink() {
            @Override
            public void progress() {
                lastProgressNanos = System.nanoTime();
            }

            @Override
            public void chunk(ChatCompletionChunk chunk) {
                pending.add(chunk);
            }

            @Override
            public void done() {
                ended = true;
            }

            @Override
            public void fail(SynthLMException e) {
                failure = e;
                ended = true;
            }
        });
        events.attempts(attempts);
        this.untrack = engine.trackStream(() -> stop(new ConnectionException("The " + s.provider()
                + " provider was closed while the stream was open", null, s.provider(), attempts)));
        schedule(Math.min(Math.min(s.firstByteTimeout().toNanos(), s.idleTimeout().toNanos()),
                s.streamTimeout().toNanos()));
    }

    /**
     * The next chunk, or null once the stream ended normally.
     *
     * @throws SynthLMException if it broke, timed out, reported an error or was closed by its provider
     */
    public ChatCompletionChunk next() {
        if (closedByReader) {
            return null;
        }
        while (pending.isEmpty()) {
            if (ended) {
                release();
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            readSome();
        }
        return pending.poll();
    }

    private void readSome() {
        SynthLMException early = stopped.get();
        if (early != null) {
            fail(early);
            return;
        }
        int n;
        try {
            lastProgressNanos = firstByte ? System.nanoTime() : lastProgressNanos;
            reading = true;
            n = in.read(buffer);
        } catch (IOException e) {
            SynthLMException cause = stopped.get();
            if (cause == null && closedByReader) {
                pending.clear();
                ended = true; // closed on purpose: the iteration just ends
                return;
            }
            fail(cause != null ? cause : events.broken(e));
            return;
        } finally {
            reading = false;
        }
        if (n < 0) {
            events.end();
        } else if (n > 0) {
            firstByte = true;
            events.feed(ByteBuffer.wrap(buffer, 0, n));
        }
    }

    private void fail(SynthLMException e) {
        pending.clear();
        failure = e;
        ended = true;
    }

    /** Stops reading and releases the connection; a read in progress ends. Any thread; idempotent. */
    @Override
    public void close() {
        closedByReader = true;
        stop(null);
    }

    /** Ends the stream from outside the reader: records why (null: closed by the reader), closes the body. */
    private void stop(SynthLMException why) {
        if (why != null) {
            stopped.compareAndSet(null, why);
        }
        release();
    }

    private void release() {
        ScheduledFuture<?> w = watchdog;
        if (w != null) {
            w.cancel(false);
        }
        untrack.run();
        try {
            in.close(); // ends a blocked read, and the exchange: the connection is released
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    // ---- watchdog

    private void schedule(long delayNanos) {
        try {
            watchdog = engine.timers().schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            stop(new ConnectionException("The " + s.provider() + " provider was closed while the stream was open",
                    null, s.provider(), attempts));
        }
    }

    private void check() {
        if (stopped.get() != null) {
            return;
        }
        long now = System.nanoTime();
        long total = s.streamTimeout().toNanos() - (now - startNanos);
        if (total <= 0) {
            timeout(RequestTimeoutException.Kind.STREAM, s.streamTimeout(), "the whole stream took longer than");
            return;
        }
        if (!reading) {
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
        schedule(Math.min(Math.min(left, total), s.idleTimeout().toNanos()));
    }

    private void timeout(RequestTimeoutException.Kind kind, Duration limit, String what) {
        stop(new RequestTimeoutException("The " + s.provider() + " stream timed out after " + events.chunks()
                + " chunks: " + what + " " + Failures.seconds(limit) + " (" + kind.name().toLowerCase(Locale.ROOT)
                + " timeout). Raise it with the config's " + switch (kind) {
                    case FIRST_BYTE -> "firstByteTimeout";
                    case IDLE -> "idleTimeout";
                    default -> "streamTimeout";
                } + "(...), or warm the model up first.", null, s.provider(), kind, limit, attempts));
    }
}
