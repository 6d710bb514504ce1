package ai.synth.lm.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request and its response in {@link NioHttp1}. Two halves: the selector thread feeds it bytes and owns the
 * decoder, the demand and the bytes waiting for demand; the body's subscriber is called only from a serial queue
 * drained on the callbacks executor, one signal at a time and in order, so user code never runs on the selector
 * thread and never concurrently for one exchange. A whole body is gathered into one array on the selector thread; a
 * live one is handed over as a publisher, this exchange being its one subscription.
 */
final class NioExchange implements Flow.Subscription {

    /** The request, for its URI. */
    final Request request;
    /** The request as written on the wire. */
    final byte[] requestBytes;
    /** The pool key, host and port. */
    final String authority;
    /** Where a new connection goes, resolved before the exchange reached the selector thread. */
    final InetSocketAddress address;
    /** The proxy the exchange goes through, or null; set before it reaches the selector thread. */
    Proxies.Route proxy;
    /** The server's port (the URL's, or the scheme's default). */
    int port;
    /** Completes when a whole body is read or a live body's head is in; fails if the exchange fails first. */
    final CompletableFuture<Response> future = new CompletableFuture<>();

    /** The first size of a whole body's array when the response declares none; it doubles as needed. */
    private static final int FIRST_GUESS = 8 * 1024;

    private final BodyMode mode;
    private final long limit;
    /** Whether the future may complete on the selector thread: only a caller blocked on it waits there. */
    private final boolean completeInPlace;
    private final NioHttp1 client;
    private final Executor callbacks;

    // Selector thread only.
    /** The connection carrying this exchange now, or null before it has one and after it ended. */
    NioConnection connection;
    /** Whether a response byte arrived, after which a failure is never retried. */
    boolean received;
    /** Whether the one transparent retry of a stale pooled connection was spent. */
    boolean retried;
    /** Whether the body completed, or the exchange failed or was cancelled. */
    boolean ended;
    private final Http1Decoder decoder = new Http1Decoder();
    private boolean headDone;
    private boolean bodyDone;
    private boolean trailingBytes;
    private long demand;
    private ByteBuffer pending; // body bytes read while there was no demand
    /** A whole body being gathered, sized by its Content-Length or grown as it comes; null for a live body. */
    private byte[] whole;
    private int wholeSize;
    /** Whether the whole body passed the limit: its future failed, the rest of it is dropped. */
    private boolean wholeFailed;

    // Signals: touched only by the serial drain on the callbacks executor.
    private final Queue<Runnable> signals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger signalCount = new AtomicInteger();
    private Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    /** How a live body ended before anyone subscribed to it: delivered on subscription. */
    private Throwable endedEarly;
    private boolean completedEarly;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private boolean terminated;
    /** Set by {@link #cancel} on the subscriber's thread, so that no signal queued before it is delivered. */
    private volatile boolean cancelled;

    /**
     * An exchange of {@code client} whose body is read as {@code mode} says (a whole one up to {@code limit} bytes),
     * signalling its subscriber on {@code callbacks}.
     */
    NioExchange(NioHttp1 client, Executor callbacks, Request request, BodyMode mode, long limit,
            boolean completeInPlace, byte[] requestBytes, String authority, InetSocketAddress address) {
        this.completeInPlace = completeInPlace;
        this.client = client;
        this.callbacks = callbacks;
        this.request = request;
        this.mode = mode;
        this.limit = limit;
        this.requestBytes = requestBytes;
        this.authority = authority;
        this.address = address;
        // HttpEngine cancels the future when an attempt times out: that must end the exchange, not just the future.
        future.whenComplete((response, error) -> {
            if (error instanceof CancellationException) {
                client.execute(() -> client.abort(this, new IOException("The request was cancelled")));
            }
        });
    }

    /** Feeds bytes read from the connection (selector thread); on return the bytes not taken wait for demand. */
    void input(ByteBuffer in) throws IOException {
        received = true;
        if (!headDone) {
            if (!decoder.head(in)) {
                return;
            }
            headDone = true;
            begin(decoder.status(), decoder.headers());
        }
        if (whole != null) {
            gather(in);
        } else {
            take(in);
        }
    }

    /**
     * Starts reading the body. A whole one is copied from the read buffer into one array right here on the selector
     * thread, with no subscriber, no demand and no signals; only the future's completion, where callers' code runs,
     * is handed over. A live body is handed over at once as a publisher; its bytes wait here for demand.
     */
    private void begin(int status, Headers headers) {
        if (future.isDone()) {
            return; // cancelled while the head was on its way; the abort closes the connection
        }
        if (mode.live(status, headers)) {
            Flow.Publisher<List<ByteBuffer>> body = this::subscribe;
            handOver(() -> future.complete(Response.publishing(status, headers, body)));
            return;
        }
        long declared = headers.firstValueAsLong("content-length").orElse(-1);
        if (declared > limit) {
            whole = new byte[0];
            tooLarge();
        } else {
            whole = new byte[(int) (declared >= 0 ? declared : Math.min(limit, FIRST_GUESS))];
        }
    }

    /** Copies the body bytes at {@code in} into {@link #whole} (selector thread); drops them once it failed. */
    private void gather(ByteBuffer in) throws IOException {
        for (long n; (n = decoder.body(in)) != 0; ) {
            if (n < 0) {
                bodyDone = true;
                trailingBytes = in.hasRemaining();
                return;
            }
            int k = (int) n; // n <= in.remaining(), an int
            if (!wholeFailed && wholeSize + n > limit) {
                tooLarge();
            }
            if (wholeFailed) {
                in.position(in.position() + k);
            } else {
                if (wholeSize + k > whole.length) { // no Content-Length (chunked): grow as the body comes
                    whole = Arrays.copyOf(whole, (int) Math.min(Math.min(limit, Integer.MAX_VALUE - 8),
                            Math.max(wholeSize + (long) k, 2L * whole.length)));
                }
                in.get(whole, wholeSize, k);
                wholeSize += k;
            }
            decoder.consumed(n);
        }
    }

    /** The whole body passed the limit: its future fails, and the connection is closed rather than read to the end. */
    private void tooLarge() {
        wholeFailed = true;
        finishWhole(null, new LimitedBody.TooLarge(limit));
        cancel();
    }

    /** Completes the future of a whole body, on the callbacks executor unless the caller waits blocked for it. */
    private void finishWhole(Response response, Throwable error) {
        if (future.isDone()) {
            return;
        }
        Runnable outcome = error != null ? () -> future.completeExceptionally(error) : () -> future.complete(response);
        if (completeInPlace) {
            outcome.run(); // wakes the one caller waiting, and runs nothing of anyone's
        } else {
            handOver(outcome);
        }
    }

    /** The live body's one subscription: later subscribers are refused. An end that came first is told at once. */
    private void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
        Objects.requireNonNull(s, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IllegalStateException("A response body can be subscribed to only once"));
            return;
        }
        signal(() -> {
            subscriber = s;
            s.onSubscribe(this);
            if (!terminated && !cancelled && (endedEarly != null || completedEarly)) {
                terminated = true;
                if (endedEarly != null) {
                    s.onError(endedEarly);
                } else {
                    s.onComplete();
                }
            }
        });
    }

    /** Runs {@code task} on the callbacks executor, or, once that is shut down, anywhere but the selector thread. */
    private void handOver(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (RejectedExecutionException e) {
            ForkJoinPool.commonPool().execute(task);
        }
    }

    /** Adds demand (selector thread) and delivers what was waiting for it. */
    void addDemand(long n) throws IOException {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        if (pending != null) {
            take(pending);
        }
    }

    /** The connection closed (selector thread): true if that ends the body, false if the response was cut short. */
    boolean closedByPeer() {
        if (headDone && pending == null && decoder.closed()) {
            bodyDone = true;
            return true;
        }
        return false;
    }

    /** Whether body bytes are waiting for demand, so reading must stop. */
    boolean paused() {
        return pending != null;
    }

    /** Whether the body is complete (and {@link #complete} is due). */
    boolean bodyDone() {
        return bodyDone;
    }

    /** Whether the connection can carry another exchange: nothing followed the body and the server allows it. */
    boolean reusable() {
        return bodyDone && !trailingBytes && decoder.reusable();
    }

    /** How long the connection may stay idle once this response is read: from its {@code Keep-Alive} header. */
    long maxIdleNanos() {
        return headDone ? Http1.maxIdleNanos(decoder.headers()) : 0;
    }

    /** The body is complete (selector thread): the subscriber is told, after anything delivered before. */
    void complete() {
        ended = true;
        if (whole != null) {
            if (!wholeFailed) {
                byte[] body = wholeSize == whole.length ? whole : Arrays.copyOf(whole, wholeSize);
                finishWhole(Response.whole(decoder.status(), decoder.headers(), body), null);
            }
            return;
        }
        signal(() -> {
            if (subscriber == null) {
                completedEarly = true;
            } else if (!terminated && !cancelled) {
                terminated = true;
                subscriber.onComplete();
            }
        });
    }

    /** Fails the exchange (any thread): the future if it is still open, else the subscriber. */
    void fail(Throwable cause) {
        ended = true;
        if (whole != null) {
            finishWhole(null, cause);
            return;
        }
        signal(() -> {
            if (subscriber == null) {
                endedEarly = cause;
            } else if (!terminated && !cancelled) {
                terminated = true;
                subscriber.onError(cause);
            }
            future.completeExceptionally(cause);
        });
    }

    /** Moves the body bytes at {@code in} to the subscriber, as one item, while there is demand. */
    private void take(ByteBuffer in) throws IOException {
        List<ByteBuffer> item = null;
        boolean canDeliver = demand > 0;
        while (true) {
            long n = decoder.body(in);
            if (n < 0) {
                bodyDone = true;
                break;
            }
            if (n == 0 || !canDeliver) {
                break;
            }
            ByteBuffer copy = ByteBuffer.allocate((int) n); // n <= in.remaining(), an int
            int limit = in.limit();
            in.limit(in.position() + (int) n);
            copy.put(in).flip();
            in.limit(limit);
            decoder.consumed(n);
            if (item == null) {
                item = new ArrayList<>(2);
            }
            item.add(copy);
        }
        if (item != null) {
            demand--;
            List<ByteBuffer> delivered = Collections.unmodifiableList(item);
            signal(() -> {
                if (subscriber != null && !terminated && !cancelled) {
                    subscriber.onNext(delivered);
                }
            });
        }
        if (bodyDone) {
            trailingBytes = in.hasRemaining();
            pending = null;
        } else if (!in.hasRemaining()) {
            pending = null;
        } else if (in != pending) { // the shared read buffer: keep a copy until there is demand
            pending = ByteBuffer.allocate(in.remaining()).put(in).flip();
        }
    }

    /** From the subscriber, any thread: asks the selector for {@code n} more items. */
    @Override
    public void request(long n) {
        if (n <= 0) {
            cancel();
            signal(() -> {
                if (subscriber != null && !terminated) {
                    terminated = true;
                    subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                }
            });
            return;
        }
        if (!cancelled) {
            client.execute(() -> client.demand(this, n));
        }
    }

    /** From the subscriber, any thread: no more signals, and the connection is closed rather than pooled. */
    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            client.execute(() -> client.abort(this, null));
        }
    }

    /** Queues a signal and makes sure a drain runs it on the callbacks executor. */
    private void signal(Runnable task) {
        signals.add(task);
        if (signalCount.getAndIncrement() == 0) {
            try {
                callbacks.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The owner shut the executor down while closing: deliver the last signals anyway, never on the
                // selector thread.
                ForkJoinPool.commonPool().execute(this::drain);
            }
        }
    }

    private void drain() {
        do {
            Runnable task = signals.poll();
            try {
                task.run();
            } catch (RuntimeException e) {
                // A subscriber that throws breaks the Flow contract: stop its exchange instead of losing the loop.
                cancel();
                future.completeExceptionally(e);
            }
        } while (signalCount.decrementAndGet() != 0);
    }
}
