package ai.synth.lm.internal.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds back the sends to a host whose HTTP/2 connection has no free stream. The JDK client puts every exchange
 * with a host on one HTTP/2 connection and fails those beyond the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}
 * with an {@link IOException} "too many concurrent streams", raised while reserving the stream, before a frame of
 * the request is written. Such a send provably never left, so it goes again, without counting as an attempt, as
 * soon as one of the host's exchanges ends; while any wait, new sends to that host queue behind them, in order.
 * Until the first refusal nothing waits: a send only counts itself in and out, except on a host's first https
 * exchange: until its response headers (or its failure) arrive, the sends behind it wait, so that a burst of calls
 * shares the HTTP/2 connection the first one opens instead of each opening its own (2,000 TLS handshakes at once
 * ran into the connect timeout on a 2-core machine).
 */
final class StreamGate {

    /** The JDK client's message for a stream it could not reserve (JDK 17 to 25). */
    static final String REFUSED = "too many concurrent streams";

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    /** The lane of the host {@code uri} points at. */
    Lane lane(URI uri) {
        String key = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT);
        return lanes.computeIfAbsent(key, k -> new Lane(k.startsWith("https:")));
    }

    /** Whether {@code error} (or a cause of it) is the JDK refusing a stream before the request left. */
    static boolean refusedBeforeSending(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && REFUSED.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * One host's exchanges: how many hold a stream (from the send until their body ends), and the sends waiting
     * for one. A send that holds a stream hands it, when it ends, to the first one waiting.
     */
    static final class Lane {

        private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

        private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        private int inFlight;
        private boolean full;
        private boolean cold;
        private long refusals;

        /** A lane whose first exchange goes alone if {@code cold}; see {@link #firstDone()}. */
        Lane(boolean cold) {
            this.cold = cold;
        }

        /**
         * A ticket that completes when this send may go: at once, unless the connection was found full or the
         * host's first exchange is still under way.
         */
        CompletableFuture<Void> enter() {
            synchronized (this) {
                if (!full && waiting.isEmpty() && (!cold || inFlight == 0)) {
                    inFlight++;
                    return NOW;
                }
                CompletableFuture<Void> ticket = new CompletableFuture<>();
                waiting.addLast(ticket);
                return ticket;
            }
        }

        /**
         * The send holding a stream was refused before it left: it waits, first in line, for the next stream an
         * exchange gives back. When it is the only one in flight, none will: it keeps its place and goes again
         * after a millisecond, the time the client takes to count a just-closed stream as free.
         */
        CompletableFuture<Void> refused() {
            CompletableFuture<Void> ticket = new CompletableFuture<>();
            synchronized (this) {
                full = true;
                refusals++;
                if (inFlight > 1) {
                    inFlight--;
                    waiting.addFirst(ticket);
                    return ticket;
                }
            }
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
        }

        /**
         * An exchange got its response headers or failed: if it was the host's first, the sends held back behind it
         * go now (over the connection it opened, when it is HTTP/2).
         */
        void firstDone() {
            List<CompletableFuture<Void>> go;
            synchronized (this) {
                if (!cold) {
                    return;
                }
                cold = false;
                if (full) {
                    return;
                }
                go = List.copyOf(waiting);
                waiting.clear();
                inFlight += go.size();
            }
            for (CompletableFuture<Void> ticket : go) {
                if (!ticket.complete(null)) {
                    leave(); // given up while waiting
                }
            }
        }

        /** An exchange ended: its stream goes to the first send still waiting, or the lane is free again. */
        void leave() {
            while (true) {
                CompletableFuture<Void> next;
                synchronized (this) {
                    next = waiting.pollFirst();
                    if (next == null) {
                        inFlight--;
                        full = false;
                        return;
                    }
                }
                if (next.complete(null)) {
                    return;
                } // else it was given up while waiting: the next one gets the stream
            }
        }

        /**
         * Gives up a wait that has not been granted; a ticket already granted is the caller's to end with
         * {@link #leave()}. Returns whether the wait was given up.
         */
        boolean withdraw(CompletableFuture<Void> ticket) {
            if (!ticket.cancel(false)) {
                return false;
            }
            synchronized (this) {
                waiting.remove(ticket);
            }
            return true;
        }

        /** How many sends the connection refused so far (for tests). */
        synchronized long refusals() {
            return refusals;
        }

        /** How many sends wait (for tests). */
        synchronized int waiting() {
            return waiting.size();
        }
    }

    /** Runs an action once, whichever of its callers comes first; {@link #claim()} takes it without running it. */
    static final class Once implements Runnable {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable action;

        Once(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (claim()) {
                action.run();
            }
        }

        boolean claim() {
            return done.compareAndSet(false, true);
        }
    }

    /**
     * {@code handler}'s bodies, which run {@code release} when they end (complete, failed or cancelled) and tell
     * {@code lane} that headers arrived.
     */
    static <B> HttpResponse.BodyHandler<B> releasing(HttpResponse.BodyHandler<B> handler, Lane lane,
            Runnable release) {
        return info -> {
            lane.firstDone();
            return new Releasing<>(handler.apply(info), release);
        };
    }

    private static final class Releasing<B> implements HttpResponse.BodySubscriber<B> {
        private final HttpResponse.BodySubscriber<B> body;
        private final Runnable release;

        Releasing(HttpResponse.BodySubscriber<B> body, Runnable release) {
            this.body = body;
            this.release = release;
        }

        @Override
        public CompletionStage<B> getBody() {
            return body.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            body.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    try {
                        subscription.cancel();
                    } finally {
                        release.run();
                    }
                }
            });
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            body.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            try {
                body.onError(throwable);
            } finally {
                release.run();
            }
        }

        @Override
        public void onComplete() {
            try {
                body.onComplete();
            } finally {
                release.run();
            }
        }
    }
}
