package ai.synth.lm.internal;


import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.SynthLMException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One streamed chat completion as a {@link Flow.Publisher}: subscribes to the HTTP body, parses SSE, and hands
 * chunks to one subscriber as fast as it asks for them. Bytes are requested from the network only when the
 * subscriber has demand and nothing parsed is waiting, so memory stays bounded by one network buffer. No thread
 * is held: everything runs on the HTTP client's callbacks and the subscriber's {@code request} calls.
 *
 * <p>A watchdog fails the stream when the first byte is late, when it goes quiet between events while waiting on
 * the network, or when the whole stream runs too long.
 */
public final class ChunkStream implements Flow.Publisher<ChatCompletionChunk> {

    private final HttpEngine engine;
    private final Supplier<CallEvents> start;
    private final Function<CallEvents, CompletableFuture<Opened>> open;
    private final CompletableFuture<Opened> opened = new CompletableFuture<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** How long the end of a body may lag behind the answer's [DONE] before the exchange is cancelled. */
    static final long END_GRACE_MILLIS = 1_000;

    /**
     * The response headers of a stream arrived with a 2xx status.
     *
     * @param body the body, not yet subscribed to
     * @param attempts how many attempts it took
     */
    public record Opened(Flow.Publisher<List<ByteBuffer>> body, int attempts) {}

    /** A cold stream nobody listens to: {@code open} sends the request when the first subscriber arrives. */
    public ChunkStream(HttpEngine engine, Supplier<CompletableFuture<Opened>> open) {
        this(engine, () -> CallEvents.NONE, events -> open.get());
    }

    /**
     * A cold stream: when the first subscriber arrives, {@code start} starts the call's events and {@code open}
     * sends the request (with retries).
     */
    public ChunkStream(HttpEngine engine, Supplier<CallEvents> start, Function<CallEvents, CompletableFuture<Opened>> open) {
        this.engine = engine;
        this.start = start;
        this.open = open;
    }

    /** Completes when the response headers arrived (or the request failed); starts with the subscription. */
    public CompletableFuture<Opened> opened() {
        return opened;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("A chat completion stream can be subscribed to only once"));
            return;
        }
        Bridge bridge = new Bridge(subscriber);
        subscriber.onSubscribe(bridge);
        if (bridge.cancelled || bridge.done) { // cancelled, or request(n <= 0), in onSubscribe: send nothing
            Throwable error = bridge.error;
            opened.completeExceptionally(error != null ? error
                    : new java.util.concurrent.CancellationException("The stream was cancelled before it was sent"));
            return;
        }
        bridge.track();
        CompletableFuture<Opened> call;
        try {
            bridge.callEvents = start.get();
            call = open.apply(bridge.callEvents);
        } catch (RuntimeException e) {
            opened.completeExceptionally(e);
            bridge.fail(e);
            return;
        }
        bridge.call = call;
        call.whenComplete((o, error) -> {
            if (error != null) {
                Throwable cause = Futures.unwrap(error);
                opened.completeExceptionally(cause);
                bridge.fail(cause);
            } else {
                bridge.opened(o.attempts());
                opened.complete(o);
                o.body().subscribe(bridge); // when already cancelled, onSubscribe cancels: the connection is released
            }
        });
    }

    /** Downstream subscription and upstream subscriber in one, with a serialized drain loop. */
    private final class Bridge implements Flow.Subscription, Flow.Subscriber<List<ByteBuffer>> {
        private final Flow.Subscriber<? super ChatCompletionChunk> downstream;
        private final Queue<ChatCompletionChunk> queue = new ConcurrentLinkedQueue<>();
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean awaitingNetwork = new AtomicBoolean();
        private final AtomicBoolean terminated = new AtomicBoolean();
        private final ChunkEvents events;
        private final ProviderSettings s = engine.settings();
        private volatile Flow.Subscription upstream;
        private volatile CompletableFuture<Opened> call;
        private volatile int attempts;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile Throwable error;
        private final StreamWatchdog watchdog;
        private volatile Runnable untrack = () -> {};
        private volatile CallEvents callEvents = CallEvents.NONE;
        /** Whether the body itself ended (upstream completed), which may come after the answer's [DONE]. */
        private volatile boolean bodyEnded;
        /** Cancels the body if it has not ended within the grace after [DONE]; null before [DONE]. */
        private volatile ScheduledFuture<?> grace;
        /** Whether the body is over with (ended, failed, or given up): only then is the end told downstream. */
        private volatile boolean settled;

        Bridge(Flow.Subscriber<? super ChatCompletionChunk> downstream) {
            this.downstream = downstream;
            this.events = new ChunkEvents(s, new ChunkEvents.Sink() {
                @Override
                public void progress() {
                    watchdog.progress();
                }

                @Override
                public void chunk(ChatCompletionChunk chunk) {
                    if (!done) {
                        queue.add(chunk);
                    }
                }

                @Override
                public void done() {
                    finishAtEnd();
                }

                @Override
                public void fail(SynthLMException e) {
                    Bridge.this.fail(e);
                }
            });
            this.watchdog = new StreamWatchdog(engine, () -> done || cancelled, awaitingNetwork::get, events::chunks,
                    () -> attempts, e -> {
                        fail(e);
                        Flow.Subscription up = upstream;
                        if (up != null) {
                            up.cancel();
                        }
                    });
        }

        void opened(int attempts) {
            this.attempts = attempts;
            events.attempts(attempts);
        }

        // ---- downstream: Flow.Subscription

        @Override
        public void request(long n) {
            if (n <= 0) {
                fail(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams 3.9)"));
                return;
            }
            requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (done) { // the whole answer (or its failure) had arrived: the end is what it was
                callEvents.ended(error);
            } else {
                callEvents.cancelled();
            }
            untrack.run();
            stop();
            CompletableFuture<Opened> c = call;
            if (c != null) {
                c.cancel(true);
            }
        }

        // ---- upstream: Flow.Subscriber

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            if (cancelled || done) {
                subscription.cancel();
                return;
            }
            watchdog.start();
            drain();
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            watchdog.firstByte();
            awaitingNetwork.set(false);
            for (ByteBuffer buffer : buffers) {
                if (done) {
                    break;
                }
                events.feed(buffer);
            }
            drain();
        }

        @Override
        public void onError(Throwable t) {
            if (done) { // after the answer's end: the tail of the body is lost, the answer is not
                settle();
                drain();
                return;
            }
            fail(events.broken(t));
        }

        @Override
        public void onComplete() {
            bodyEnded = true;
            settle();
            if (!done) {
                events.end();
            }
            drain();
        }

        // ---- termination

        /** Fails this stream when the provider closes while it is open; a no-op once it ended. */
        void track() {
            Runnable handle = engine.trackStream(() -> {
                if (!done && !cancelled) {
                    fail(new ConnectionException("The " + s.provider() + " provider was closed while the stream was"
                            + " open", null, s.provider(), attempts));
                }
            });
            untrack = handle;
            if (cancelled || terminated.get()) {
                handle.run(); // ended while registering
            }
        }

        /**
         * The answer is complete ([DONE]). A server sends the end of the body right after it; reading that lets the
         * transport give the connection back to the pool, where cancelling would close it. The end is told
         * downstream once the body ended, so that a call made then finds the connection pooled. A body still open
         * {@link #END_GRACE_MILLIS} later is cancelled after all, so a server that never ends it holds nothing up.
         */
        private void finishAtEnd() {
            done = true;
            stop();
            Flow.Subscription up = upstream;
            if (up == null || bodyEnded || cancelled) {
                settle();
                return;
            }
            try {
                grace = engine.timers().schedule(() -> {
                    up.cancel();
                    settle();
                    drain();
                }, END_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                up.cancel();
                settle();
                return;
            }
            up.request(Long.MAX_VALUE); // what follows [DONE] is read and dropped (onNext stops at done)
        }

        /** The body is over with: the end may be told downstream once the queue is empty. */
        private void settle() {
            settled = true;
            ScheduledFuture<?> g = grace;
            if (g != null) {
                g.cancel(false);
            }
        }

        private void finish() {
            settle();
            done = true;
            stop();
            Flow.Subscription up = upstream;
            if (up != null) {
                up.cancel(); // stop reading: the connection is released
            }
        }

        void fail(Throwable t) {
            if (error == null) {
                error = t;
            }
            finish();
            drain();
        }

        private void stop() {
            watchdog.stop();
            if (cancelled) {
                Flow.Subscription up = upstream;
                if (up != null) {
                    up.cancel();
                }
            }
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                long r = requested.get();
                long e = 0;
                while (e != r) {
                    if (cancelled) {
                        queue.clear();
                        return;
                    }
                    ChatCompletionChunk next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    callEvents.chunk(next);
                    downstream.onNext(next);
                    e++;
                }
                if (cancelled) {
                    queue.clear();
                    return;
                }
                if (done && settled && queue.isEmpty()) {
                    terminate();
                    return;
                }
                if (e != 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-e);
                }
                Flow.Subscription up = upstream;
                if (up != null && !done && queue.isEmpty() && requested.get() > 0 && !awaitingNetwork.get()) {
                    // The first-byte or idle wait starts with the request; set before the flag, so that a watchdog
                    // seeing the flag also sees the new start.
                    watchdog.progress();
                    if (awaitingNetwork.compareAndSet(false, true)) {
                        up.request(1);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void terminate() {
            if (!terminated.compareAndSet(false, true)) {
                return;
            }
            untrack.run();
            Throwable t = error;
            callEvents.ended(t);
            if (t != null) {
                downstream.onError(t);
            } else {
                downstream.onComplete();
            }
        }
    }
}
