package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * HTTP/1.1 on the library's own sockets (TLS for {@code https}): blocking sends on the caller's thread
 * ({@link BlockingHttp1}) and asynchronous ones on one selector thread ({@link NioHttp1}), with no thread per call.
 * Both faces share one {@link ConnectionPool} and its idle rule: a connection the one opened carries the other's
 * next call.
 */
public final class Http1Transport implements Transport {

    private final BlockingHttp1 blocking;
    private final NioHttp1 async;
    private final ConnectionPool pool = new ConnectionPool(NioHttp1.IDLE_TIMEOUT);
    private final ThreadPoolExecutor workers;
    private final long limit;

    /** {@code workers} run the asynchronous face's callbacks: body subscribers and dependent stages. */
    public Http1Transport(ProviderSettings settings, ThreadPoolExecutor workers) {
        this.blocking = new BlockingHttp1(settings, pool);
        this.async = new NioHttp1(settings, workers, pool);
        this.workers = workers;
        this.limit = settings.maxResponseSize();
    }

    @Override
    public Response send(Request request, BodyMode mode, Consumer<Runnable> onAbort) throws IOException {
        return blocking.send(request, mode, limit, onAbort);
    }

    @Override
    public CompletableFuture<Response> sendAsync(Request request, BodyMode mode) {
        return async.sendAsync(request, mode);
    }

    /** How many connections are open, busy or idle, on either face. For tests. */
    int openConnections() {
        return pool.openConnections();
    }

    @Override
    public void close() {
        blocking.close();
        async.close();
        pool.close();
        workers.shutdown();
    }
}
