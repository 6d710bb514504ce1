package ai.synth.lm.internal;


import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
    private final Runnable untrack;
    private final StreamWatchdog watchdog;
    private volatile boolean reading;
    private volatile boolean closedByReader;
    private volatile boolean ended; // read by close(), from any thread
    private volatile SynthLMException failure;
    private final CallEvents call;

    BlockingStream(HttpEngine engine, InputStream in, int attempts, CallEvents call) {
        this.call = call;
        this.engine = engine;
        this.s = engine.settings();
        this.in = in;
        this.attempts = attempts;
        this.events = new ChunkEvents(s, new ChunkEvents.Sink() {
            @Override
            public void progress() {
                watchdog.progress();
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
        this.watchdog = new StreamWatchdog(engine, () -> stopped.get() != null || closedByReader, () -> reading,
                events::chunks, () -> attempts, this::stop);
        watchdog.start();
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
                if (failure == null) {
                    finishBody();
                }
                release();
                call.ended(failure);
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            readSome();
        }
        ChatCompletionChunk chunk = pending.poll();
        call.chunk(chunk);
        return chunk;
    }

    private void readSome() {
        SynthLMException early = stopped.get();
        if (early != null) {
            fail(early);
            return;
        }
        int n;
        try {
            watchdog.progress();
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
            watchdog.firstByte();
            events.feed(ByteBuffer.wrap(buffer, 0, n));
        }
    }

    /**
     * Reads what is left of the body after the answer's end ([DONE]). A server sends the end of the body right
     * after it, and a body read to its end lets the connection go back to the pool instead of being closed. A body
     * still open {@link ChunkStream#END_GRACE_MILLIS} later is closed: a server that never ends it holds nothing up.
     */
    private void finishBody() {
        watchdog.stop();
        ScheduledFuture<?> grace;
        try {
            grace = engine.timers().schedule(this::closeBody, ChunkStream.END_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            return; // the provider is closing: release() closes the body
        }
        try {
            while (in.read(buffer) >= 0) {
                // what follows the answer's end is dropped
            }
        } catch (IOException e) {
            // closed by the grace, or broken: the answer was complete either way, and the connection is closed
        } finally {
            grace.cancel(false);
        }
    }

    private void closeBody() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that was asked
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
        // Told before the body is closed: the read that the close ends must not pass for the stream's end
        if (ended) {
            call.ended(failure);
        } else {
            call.cancelled();
        }
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
        watchdog.stop();
        untrack.run();
        closeBody(); // ends a blocked read, and the exchange: the connection is released
    }
}
