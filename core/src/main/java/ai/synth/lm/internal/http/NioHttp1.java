package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous HTTP/1.1 (over TLS for {@code https}, through a proxy when one applies) with one selector thread for
 * every connection, and a keep-alive pool. The JDK client's {@code sendAsync} costs a thread per call on JDK 17 when
 * the common pool has one thread (two cores or fewer); this costs one thread in all, plus whatever the callbacks
 * executor runs body subscribers on.
 *
 * <p>The selector thread ({@code synth-lm-nio-<provider>}, a daemon started on first use) owns every channel, the
 * pool and the decoding; other threads hand it work through a queue. Subscribers of live bodies, and the futures'
 * dependents, run on the callbacks executor, never on the selector thread. A request goes out again on a fresh
 * connection only when not one byte of it was written (a pooled connection the server had closed); any other
 * failure is left to the engine's retries. Thread-safe.
 */
final class NioHttp1 implements AutoCloseable, NioLoop.Handler {

    private static final Logger log = LoggerFactory.getLogger(NioHttp1.class);

    /** How long a connection may stay idle in the pool. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final int READ_BUFFER_SIZE = 64 * 1024;
    private final ProviderSettings settings;
    private final Executor callbacks;
    private final NioLoop loop;

    // Selector thread only.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Decrypted bytes of one TLS read: twice the largest read of encrypted bytes, which is ample. */
    private final ByteBuffer tlsPlain = ByteBuffer.allocate(4 * READ_BUFFER_SIZE);
    private final ConnectionPool pool;
    private final boolean ownsPool;
    /** Idle connections kept registered, for the next calls of this face, and those on loan to the other. */
    private final NioIdle idle;
    private final NioConnector connector;

    /** A client for the provider of {@code settings}, running body subscribers on {@code callbacks}. */
    NioHttp1(ProviderSettings settings, Executor callbacks) {
        this(settings, callbacks, IDLE_TIMEOUT);
    }

    /** As above, with connections closed after {@code idleTimeout} in the pool; for tests. */
    NioHttp1(ProviderSettings settings, Executor callbacks, Duration idleTimeout) {
        this(settings, callbacks, new ConnectionPool(idleTimeout), true);
    }

    /** A client sharing {@code pool} with the blocking face; its owner closes it. */
    NioHttp1(ProviderSettings settings, Executor callbacks, ConnectionPool pool) {
        this(settings, callbacks, pool, false);
    }

    private NioHttp1(ProviderSettings settings, Executor callbacks, ConnectionPool pool, boolean ownsPool) {
        this.settings = settings;
        this.callbacks = callbacks;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.connector = new NioConnector(this, settings, pool);
        this.loop = new NioLoop(settings.provider(), this);
        this.idle = new NioIdle(pool, this::close);
        if (!ownsPool) {
            pool.lender(new Lender());
        }
    }

    /**
     * Sends {@code request} without blocking (except to resolve a host name not cached yet). The future completes
     * on the callbacks executor when the body is read whole, or the head of a live one is in, as {@code mode} says;
     * cancelling it closes the connection.
     */
    CompletableFuture<Response> sendAsync(Request request, BodyMode mode) {
        return sendAsync(request, mode, false);
    }

    /**
     * As {@link #sendAsync(Request, BodyMode)}; with {@code forBlockedCaller}, a whole body's future completes on the
     * selector thread itself, which saves a hand-off when the only one waiting for it is a thread blocked in
     * {@code get()} (nothing may be chained to that future).
     */
    CompletableFuture<Response> sendAsync(Request request, BodyMode mode, boolean forBlockedCaller) {
        NioExchange exchange;
        try {
            URI uri = request.uri();
            boolean https = "https".equalsIgnoreCase(uri.getScheme());
            if (!https && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("Only http:// and https:// URLs can be sent: " + uri);
            }
            int port = uri.getPort() < 0 ? (https ? 443 : 80) : uri.getPort();
            Proxies.Route proxy = settings.proxies().route(uri);
            InetSocketAddress address = proxy == null ? new InetSocketAddress(uri.getHost(), port)
                    : new InetSocketAddress(proxy.host(), proxy.port());
            if (address.isUnresolved()) {
                throw new UnknownHostException(address.getHostString());
            }
            exchange = new NioExchange(this, callbacks, request, mode, settings.maxResponseSize(), forBlockedCaller,
                    Http1.encode(request, https ? null : proxy),
                    Http1.authority(uri) + (proxy == null ? "" : " via " + proxy.authority()), address);
            exchange.proxy = proxy;
            exchange.port = port;
            loop.start();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        execute(new NioLoop.Task() {
            @Override
            public void run() {
                dispatch(exchange);
            }

            @Override
            public void abandon(IOException cause) {
                exchange.fail(cause);
            }
        });
        return exchange.future;
    }

    /** Whether the caller is the selector thread. */
    boolean onSelectorThread() {
        return loop.onLoopThread();
    }

    /** How many connections are open now, connecting, busy or idle (of both faces, when shared). For leak checks. */
    int openConnections() {
        return pool.openConnections();
    }

    /** Fails every exchange in flight, closes every connection and ends the selector thread. Idempotent. */
    @Override
    public void close() {
        loop.close();
    }

    /** Runs {@code task} on the selector thread, or abandons it if the client closed. Any thread. */
    void execute(Runnable task) {
        loop.execute(task);
    }

    /** Selector thread: {@code n} more items for {@code exchange}'s subscriber. */
    void demand(NioExchange exchange, long n) {
        NioConnection connection = exchange.connection;
        if (exchange.ended || connection == null) {
            return;
        }
        try {
            exchange.addDemand(n);
        } catch (IOException e) {
            broken(connection, e);
            return;
        }
        progressed(connection);
    }

    /** Selector thread: ends {@code exchange} early, closing its connection; {@code cause} goes to the subscriber. */
    void abort(NioExchange exchange, IOException cause) {
        if (exchange.ended) {
            return;
        }
        NioConnection connection = exchange.connection;
        if (connection != null && connection.exchange == exchange) {
            close(connection);
        }
        exchange.connection = null;
        if (cause != null) {
            exchange.fail(cause);
        } else {
            exchange.ended = true;
        }
    }

    @Override
    public boolean beforeSelect() {
        return idle.beforeSelect();
    }

    @Override
    public void afterSelect() {
        idle.afterSelect();
    }

    @Override
    public void ready(SelectionKey key) {
        NioConnection connection = (NioConnection) key.attachment();
        try {
            if (key.isValid() && key.isConnectable()) {
                connector.connected(connection);
            }
            if (key.isValid() && key.isWritable()) {
                connection.write();
            }
            if (key.isValid() && key.isReadable()) {
                readable(connection);
            }
        } catch (IOException e) {
            broken(connection, e);
        } catch (RuntimeException e) {
            log.error("Unexpected failure on a {} connection", settings.provider(), e);
            broken(connection, new IOException(e));
        }
    }

    /** Takes an idle connection for {@code exchange}, or opens one. */
    private void dispatch(NioExchange exchange) {
        if (exchange.ended || exchange.future.isDone()) {
            return; // cancelled before it left the queue
        }
        NioConnection own = idle.take(exchange.authority, System.nanoTime()); // checked: not closed while idle
        if (own != null) {
            send(own, exchange);
            return;
        }
        ConnectionPool.Idle shared; // one the blocking face left; the pool checked it
        while ((shared = pool.take(exchange.authority, System.nanoTime())) != null) {
            NioConnection pooled = new NioConnection(shared.channel, exchange.authority, shared.tls);
            pooled.connected = true;
            try {
                pooled.key = shared.channel.register(loop.selector(), SelectionKey.OP_READ, pooled);
            } catch (IOException | RuntimeException e) {
                close(pooled);
                continue;
            }
            send(pooled, exchange);
            return;
        }
        connector.connect(exchange, loop.selector());
    }

    private void send(NioConnection connection, NioExchange exchange) {
        connection.reused = true;
        connection.attach(exchange);
        connection.interest(SelectionKey.OP_READ, true);
        try {
            connection.write();
        } catch (IOException e) {
            broken(connection, e);
        }
    }

    private void readable(NioConnection connection) throws IOException {
        NioExchange exchange = connection.exchange;
        if (exchange == null) {
            if (!connection.closed) {
                idle.readable(connection); // idle: the server's close, or bytes nobody asked for
            }
            return;
        }
        if (exchange.paused()) {
            return; // interest was cleared after this key was selected
        }
        readBuffer.clear();
        if (connection.tunneling()) {
            connector.tunnelAnswer(connection, readBuffer);
            return;
        }
        int n = connection.tls == null ? connection.channel.read(readBuffer) : connection.readTls(tlsPlain);
        if (n == 0 && connection.tls != null) {
            if (connection.ready()) {
                connection.write(); // the handshake may have just finished: the request goes out now
            }
            return;
        }
        ByteBuffer input = connection.tls == null ? readBuffer : tlsPlain;
        if (n < 0) {
            if (exchange.closedByPeer()) {
                progressed(connection);
            } else {
                broken(connection, new IOException("connection closed before the response was complete"));
            }
            return;
        }
        if (n > 0) {
            input.flip();
            exchange.input(input);
            progressed(connection);
        }
    }

    /** After input or demand: completes the exchange and frees the connection, or pauses or resumes reading. */
    private void progressed(NioConnection connection) {
        NioExchange exchange = connection.exchange;
        if (exchange == null) {
            return;
        }
        if (exchange.bodyDone()) {
            exchange.connection = null;
            connection.exchange = null;
            long maxIdle = exchange.maxIdleNanos();
            if (exchange.reusable() && connection.written() && !loop.closed() && maxIdle > 0
                    && idle.hasRoom(connection.authority)) {
                exchange.ended = true; // nothing can fail it any more: its body is whole
                idle.offer(connection, System.nanoTime(), maxIdle); // before the completion: the next call finds it
                exchange.complete();
                return;
            }
            close(connection);
            exchange.complete();
        } else {
            connection.interest(SelectionKey.OP_READ, !exchange.paused());
        }
    }

    /** A connection failed: a stale pooled one retries its exchange once on a fresh one, others fail it. */
    void broken(NioConnection connection, IOException cause) {
        NioExchange exchange = connection.exchange;
        if (connection.exchange == null && !connection.closed) {
            close(connection);
            return;
        }
        close(connection);
        if (exchange == null || exchange.ended) {
            return;
        }
        exchange.connection = null;
        if (connection.reused && connection.written == 0 && !exchange.received && !exchange.retried
                && !loop.closed()) {
            // Not one byte of the request left: the server cannot have seen it. Anything else is the attempt's
            // failure, for the retry policy to count: a resend here could run a generation twice.
            exchange.retried = true;
            log.debug("A pooled connection to {} failed before any byte of the request was written ({}); sending on"
                    + " a new one", connection.authority, cause.toString());
            settings.events().requestResent(connection.authority, cause);
            connector.connect(exchange, loop.selector());
        } else {
            exchange.fail(cause);
        }
    }

    void close(NioConnection connection) {
        if (!connection.closed) {
            pool.closed(); // first: once the peer sees the close, the count already says so
            connection.close();
        }
    }

    /** Fails connects past their deadline and closes connections idle too long. */
    @Override
    public void expire(long now) {
        connector.expire(now);
        idle.expire(now);
        pool.expire(now);
    }

    @Override
    public long untilNextDeadline(long now) {
        return Math.min(Math.min(connector.untilNextDeadline(now), idle.untilNextExpiry(now)),
                pool.untilNextExpiry(now));
    }

    /** On the selector thread, leaving: every exchange fails and every channel closes. */
    @Override
    public void shutdown() {
        IOException cause = new IOException("The " + settings.provider() + " HTTP client was closed");
        idle.clear(); // and the ones on loan whose select never came: still on this selector, so not lent
        if (ownsPool) {
            pool.close();
        }
        for (SelectionKey key : new ArrayList<>(loop.selector().keys())) {
            NioConnection connection = (NioConnection) key.attachment();
            NioExchange exchange = connection.exchange;
            close(connection);
            if (exchange != null && !exchange.ended) {
                exchange.connection = null;
                exchange.fail(cause);
            }
        }
        connector.clear();
    }

    /** Lends the blocking face one idle connection of this selector's, through the pool. */
    private final class Lender implements ConnectionPool.Lender {
        @Override
        public int idleConnections() {
            return idle.size();
        }

        @Override
        public CompletableFuture<Void> lend(String authority) {
            CompletableFuture<Void> lent = new CompletableFuture<>();
            execute(new NioLoop.Task() {
                @Override
                public void run() {
                    idle.lend(authority, lent);
                }

                @Override
                public void abandon(IOException cause) {
                    lent.complete(null);
                }
            });
            return lent;
        }

        @Override
        public boolean onLenderThread() {
            return onSelectorThread();
        }
    }
}
