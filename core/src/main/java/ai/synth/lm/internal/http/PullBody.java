package ai.synth.lm.internal.http;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A body read by its consumer as an {@link InputStream}. A transport that reads on the consumer's thread hands
 * over its own stream through {@link #of(InputStream)}, with no queue or thread in between; any other transport
 * drives it as the JDK's {@link HttpResponse.BodySubscribers#ofInputStream()}.
 */
public final class PullBody<T> implements HttpResponse.BodySubscriber<T> {

    private final Function<InputStream, T> finisher;
    private final HttpResponse.BodySubscriber<T> pushed;

    PullBody(Function<InputStream, T> finisher) {
        this.finisher = finisher;
        this.pushed = HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(), finisher);
    }

    /** The body over {@code in}, which the consumer reads and closes. */
    T of(InputStream in) {
        return finisher.apply(in);
    }

    @Override
    public CompletionStage<T> getBody() {
        return pushed.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        pushed.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        pushed.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
        pushed.onError(throwable);
    }

    @Override
    public void onComplete() {
        pushed.onComplete();
    }
}
