package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * HTTP/1.1 on the library's own sockets (TLS for {@code https}): blocking sends on the caller's thread
 * ({@link BlockingHttp1}) and asynchronous ones on one selector thread ({@link NioHttp1}), with no thread per call.
 * Both faces share one {@link ConnectionPool} and its idle rule: a connection the one opened carries the other's
 * next call.
 *
 * <p>A synchronous call reads and writes on its caller's thread while few run at once, which is the shortest path
 * for one call. Once more synchronous calls are in flight than {@link #blockingLimit} (twice the cores by default),
 * further ones with a whole body hand their I/O to the selector and wait for it: dozens of threads each decrypting
 * their own TLS records would otherwise crowd out each other and the server on a small machine, where one selector
 * thread does that work in batches. Either way the call is the same to its caller: it blocks, an interrupt or an
 * abort ends the exchange and closes its connection, and nothing is sent twice.
 */
public final class Http1Transport implements Transport {

    private final BlockingHttp1 blocking;
    private final NioHttp1 async;
    private final ConnectionPool pool = new ConnectionPool(NioHttp1.IDLE_TIMEOUT);
    private final ThreadPoolExecutor workers;
    private final long limit;
    private final int blockingLimit;
    private final AtomicInteger syncInFlight = new AtomicInteger();
    private final LongAdder throughSelector = new LongAdder();

    /** {@code workers} run the asynchronous face's callbacks: body subscribers and dependent stages. */
    public Http1Transport(ProviderSettings settings, ThreadPoolExecutor workers) {
        this(settings, workers, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** As above, handing synchronous calls to the selector above {@code blockingLimit} in flight; for tests. */
    Http1Transport(ProviderSettings settings, ThreadPoolExecutor workers, int blockingLimit) {
        this.blockingLimit = blockingLimit;
        this.blocking = new BlockingHttp1(settings, pool);
        this.async = new NioHttp1(settings, workers, pool);
        this.workers = workers;
        this.limit = settings.maxResponseSize();
    }

    @Override
    public Response send(Request request, BodyMode mode, Consumer<Runnable> onAbort)
            throws IOException, InterruptedException {
        int inFlight = syncInFlight.incrementAndGet();
        try {
            if (inFlight <= blockingLimit || mode != BodyMode.WHOLE) {
                return blocking.send(request, mode, limit, onAbort); // a stream is read on its caller's thread
            }
            return throughSelector(request, mode, onAbort);
        } finally {
            syncInFlight.decrementAndGet();
        }
    }

    /** A synchronous call whose I/O the selector does while the caller waits; ending the wait ends the exchange. */
    private Response throughSelector(Request request, BodyMode mode, Consumer<Runnable> onAbort)
            throws IOException, InterruptedException {
        throughSelector.increment();
        CompletableFuture<Response> exchange = async.sendAsync(request, mode, true);
        onAbort.accept(() -> exchange.cancel(true)); // cancelling closes the connection
        try {
            return exchange.get();
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new IOException("The exchange was ended before its response was complete", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public CompletableFuture<Response> sendAsync(Request request, BodyMode mode) {
        return async.sendAsync(request, mode);
    }

    /** How many synchronous calls went through the selector. For tests. */
    long sentThroughSelector() {
        return throughSelector.sum();
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
