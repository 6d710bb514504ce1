package ai.synth.lm.internal.route;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A routed stream as a publisher: each attempt subscribes to a deployment's publisher; a failure before the first
 * chunk is retried elsewhere like any failed call, and after the first chunk everything passes straight through.
 * The subscriber's demand is carried over to each attempt, so backpressure holds across retries.
 */
public final class RoutedPublisher implements Flow.Publisher<ChatCompletionChunk> {

    private final RouterCore core;
    private final ChatCompletionRequest request;

    public RoutedPublisher(RouterCore core, ChatCompletionRequest request) {
        this.core = core;
        this.request = request;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscriber.onSubscribe(new Downstream(subscriber));
    }

    /** The subscription handed to the subscriber; guards the hand-over between attempts with its monitor. */
    private final class Downstream implements Flow.Subscription {
        private final Flow.Subscriber<? super ChatCompletionChunk> subscriber;
        private long demand;
        private Flow.Subscription inner;
        private Lease lease;
        private boolean started;
        private boolean cancelled;
        private CompletableFuture<Inner> call;

        Downstream(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
                return;
            }
            Flow.Subscription forward;
            boolean start = false;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                forward = inner;
                if (!started) {
                    started = start = true;
                }
            }
            if (forward != null) {
                forward.request(n);
            } else if (start) {
                call = RouteCall.run(core, request, this::attempt);
                call.whenComplete((ok, e) -> {
                    if (e != null && !isCancelled()) {
                        subscriber.onError(e);
                    }
                });
            }
        }

        private CompletableFuture<Inner> attempt(Lease lease, ChatCompletionRequest routed) {
            CompletableFuture<Inner> opened = new CompletableFuture<>();
            synchronized (this) {
                this.lease = lease;
            }
            lease.member().provider().streamChatCompletionAsync(routed).subscribe(new Inner(this, lease, opened));
            return opened;
        }

        synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void cancel() {
            Flow.Subscription toCancel;
            Lease held;
            CompletableFuture<Inner> pending;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                toCancel = inner;
                held = lease;
                pending = call;
            }
            if (toCancel != null) {
                toCancel.cancel();
            }
            if (pending != null) {
                pending.cancel(true);
            }
            if (held != null) {
                held.release();
            }
        }
    }

    /** One attempt's subscriber to a deployment's publisher. */
    private static final class Inner implements Flow.Subscriber<ChatCompletionChunk> {
        private final Downstream down;
        private final Lease lease;
        private final CompletableFuture<Inner> opened;

        Inner(Downstream down, Lease lease, CompletableFuture<Inner> opened) {
            this.down = down;
            this.lease = lease;
            this.opened = opened;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            long n;
            synchronized (down) {
                if (down.cancelled) {
                    n = -1;
                } else {
                    down.inner = subscription;
                    n = down.demand;
                }
            }
            if (n < 0) {
                subscription.cancel();
            } else if (n > 0) {
                subscription.request(n);
            }
        }

        @Override
        public void onNext(ChatCompletionChunk chunk) {
            if (!opened.isDone()) {
                lease.firstResponse();
                opened.complete(this);
            }
            if (chunk.usage() != null) {
                lease.settle(chunk.usage().totalTokens());
            }
            down.subscriber.onNext(chunk);
        }

        @Override
        public void onError(Throwable error) {
            if (!opened.isDone()) {
                synchronized (down) {
                    down.inner = null;
                }
                opened.completeExceptionally(error);
                return;
            }
            lease.release();
            down.subscriber.onError(error);
        }

        @Override
        public void onComplete() {
            opened.complete(this);
            lease.release();
            down.subscriber.onComplete();
        }
    }
}
