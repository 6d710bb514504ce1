package ai.synth.lm.internal.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Reads a whole body into a byte array, failing with {@link TooLarge} as soon as it passes a size limit. */
public final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body passed the limit; not retried. {@link #limit} is the limit it passed. */
    public static final class TooLarge extends RuntimeException {
        public final long limit;

        TooLarge(long limit) {
            super("response body larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    private final long limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final List<ByteBuffer> buffers = new ArrayList<>();
    private long size;
    private volatile Flow.Subscription subscription;

    private LimitedBody(long limit) {
        this.limit = limit;
    }

    /** A handler reading bodies of at most {@code limit} bytes. */
    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> of(info.headers().firstValueAsLong("content-length").orElse(-1), limit);
    }

    /** A body of at most {@code limit} bytes, for a response that declared {@code declared} bytes (-1: did not). */
    static LimitedBody of(long declared, long limit) {
        LimitedBody body = new LimitedBody(limit);
        if (declared > limit) {
            body.result.completeExceptionally(new TooLarge(limit));
        }
        return body;
    }

    /** Ends the body with {@code cause}, e.g. when its deadline passed; the connection is released. */
    void abort(RuntimeException cause) {
        if (result.completeExceptionally(cause)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            size += b.remaining();
            buffers.add(b);
        }
        if (size > limit) {
            buffers.clear();
            subscription.cancel();
            result.completeExceptionally(new TooLarge(limit));
        }
    }

    @Override
    public void onError(Throwable t) {
        buffers.clear();
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        byte[] bytes = new byte[(int) size];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            b.get(bytes, at, n);
            at += n;
        }
        buffers.clear();
        result.complete(bytes);
    }
}
