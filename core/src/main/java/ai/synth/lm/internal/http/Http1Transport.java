package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * HTTP/1.1 on plain sockets: blocking sends on the caller's thread ({@link BlockingHttp1}) and asynchronous ones
 * on one selector thread ({@link NioHttp1}), with no thread per call. Each face keeps its own connection pool.
 */
public final class Http1Transport implements Transport {

    private final BlockingHttp1 blocking;
    private final NioHttp1 async;
    private final ThreadPoolExecutor workers;

    /** {@code workers} run the asynchronous face's callbacks: body subscribers and dependent stages. */
    public Http1Transport(ProviderSettings settings, ThreadPoolExecutor workers) {
        this.blocking = new BlockingHttp1(settings);
        this.async = new NioHttp1(settings, workers);
        this.workers = workers;
    }

    @Override
    public <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Consumer<Runnable> onAbort) throws IOException {
        return blocking.send(request, handler, onAbort);
    }

    @Override
    public <B> CompletableFuture<HttpResponse<B>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<B> handler) {
        return async.sendAsync(request, handler);
    }

    @Override
    public void close() {
        blocking.close();
        async.close();
        workers.shutdown();
    }
}
