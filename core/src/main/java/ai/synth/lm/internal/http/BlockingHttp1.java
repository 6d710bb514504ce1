package ai.synth.lm.internal.http;

import ai.synth.lm.internal.Events;
import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 (over TLS for {@code https}) on blocking socket channels, read and written on the caller's thread: a
 * call costs one write and the reads its response needs, with no hand-off to another thread. Keep-alive connections
 * wait in the {@link ConnectionPool} the asynchronous face shares, under its idle rule, and are checked before
 * reuse: one the server closed while idle is dropped before the request goes out. A request goes out again on a
 * new connection only when not one byte of it was written; once it may have reached the server, a failure is the
 * attempt's, never resent here. An interrupt of the calling thread closes the connection and ends the call.
 * Thread-safe.
 */
final class BlockingHttp1 implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlockingHttp1.class);

    private final int connectTimeoutMillis;
    private final SSLContext sslContext;
    private final Proxies proxies;
    private final Events events;
    private final ConnectionPool pool;
    private final boolean ownsPool;
    /** The connections this face owns now: busy ones, and streams being read. Idle ones are in the pool. */
    private final Set<SocketConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A face with a pool of its own. */
    BlockingHttp1(ProviderSettings settings) {
        this(settings, new ConnectionPool(NioHttp1.IDLE_TIMEOUT), true);
    }

    /** A face sharing {@code pool} with the other face; its owner closes it. */
    BlockingHttp1(ProviderSettings settings, ConnectionPool pool) {
        this(settings, pool, false);
    }

    private BlockingHttp1(ProviderSettings settings, ConnectionPool pool, boolean ownsPool) {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.connectTimeout().toMillis()));
        this.sslContext = settings.sslContext();
        this.proxies = settings.proxies();
        this.events = settings.events();
    }

    /**
     * Sends {@code request} and reads the response as {@code mode} says: a live body is handed over as a stream its
     * consumer reads later; any other body is read whole (up to {@code limit} bytes) before this returns.
     * {@code onAbort} gets the action that ends the exchange from another thread (it closes the socket).
     */
    Response send(Request request, BodyMode mode, long limit, Consumer<Runnable> onAbort) throws IOException {
        URI uri = request.uri();
        Proxies.Route proxy = proxies.route(uri);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        byte[] bytes = Http1.encode(request, https ? null : proxy);
        String authority = Http1.authority(uri) + (proxy == null ? "" : " via " + proxy.authority());
        AtomicBoolean aborted = new AtomicBoolean();
        while (true) {
            SocketConnection connection = connection(authority, uri, proxy);
            onAbort.accept(() -> {
                aborted.set(true); // an abort closes the socket too, but must not look like an idle drop
                connection.close();
            });
            Http1Decoder decoder = new Http1Decoder();
            try {
                connection.write(bytes);
                connection.readHead(decoder);
            } catch (IOException e) {
                connection.close();
                if (connection.reused && connection.written == 0 && !closed.get() && !aborted.get()) {
                    // Not one byte of the request left: the server cannot have seen it. Anything else is the
                    // attempt's failure, for the retry policy to count: a resend here could run a generation twice.
                    log.debug("A pooled connection to {} failed before any byte of the request was written ({});"
                            + " sending on a new one", authority, e.toString());
                    events.requestResent(authority, e);
                    continue;
                }
                throw e;
            }
            int status = decoder.status();
            Headers headers = decoder.headers();
            if (mode.live(status, headers)) {
                return Response.streaming(status, headers, connection.bodyStream(decoder, this));
            }
            return Response.whole(status, headers, readWhole(connection, decoder, headers, limit));
        }
    }

    /** Reads the rest of the body into one array, failing with {@link LimitedBody.TooLarge} past {@code limit}. */
    private byte[] readWhole(SocketConnection connection, Http1Decoder decoder, Headers headers, long limit)
            throws IOException {
        long declared = headers.firstValueAsLong("content-length").orElse(-1);
        if (declared > limit) {
            connection.close();
            throw new LimitedBody.TooLarge(limit);
        }
        byte[] body = new byte[(int) Math.max(0, declared)];
        int size = 0;
        try {
            long available;
            while ((available = connection.awaitBody(decoder)) >= 0) {
                if (size + available > limit) {
                    throw new LimitedBody.TooLarge(limit);
                }
                if (size + available > body.length) { // no Content-Length (chunked): grow as the body comes
                    body = Arrays.copyOf(body, (int) Math.min(Math.min(limit, Integer.MAX_VALUE - 8),
                            Math.max(size + available, 2L * body.length)));
                }
                connection.buffer.get(body, size, (int) available);
                decoder.consumed(available);
                size += (int) available;
            }
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        release(connection, decoder);
        return size == body.length ? body : Arrays.copyOf(body, size);
    }

    /**
     * An idle connection to {@code authority} from the pool (which checked it), switched to blocking mode, else a
     * new one.
     */
    private SocketConnection connection(String authority, URI uri, Proxies.Route proxy) throws IOException {
        ConnectionPool.Idle idle;
        while ((idle = pool.takeOrBorrow(authority, System.nanoTime())) != null) {
            try {
                idle.channel.configureBlocking(true);
            } catch (IOException | RuntimeException e) {
                pool.discard(idle.channel);
                continue;
            }
            SocketConnection c = new SocketConnection(authority, idle.channel, idle.tls, idle.buffer, this);
            c.reused = true;
            open.add(c);
            if (closed.get()) {
                c.close();
                throw new IOException("The HTTP client is closed");
            }
            return c;
        }
        return connect(authority, uri, proxy);
    }

    private SocketConnection connect(String authority, URI uri, Proxies.Route proxy) throws IOException {
        if (closed.get()) {
            throw new IOException("The HTTP client is closed");
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() < 0 ? (https ? 443 : 80) : uri.getPort();
        InetSocketAddress address = proxy == null ? new InetSocketAddress(uri.getHost(), port)
                : new InetSocketAddress(proxy.host(), proxy.port());
        if (address.isUnresolved()) {
            throw new java.net.UnknownHostException(address.getHostString());
        }
        SocketChannel channel = SocketChannel.open();
        pool.opened();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            events.connectionOpened(authority);
            channel.socket().connect(address, connectTimeoutMillis);
        } catch (SocketTimeoutException e) {
            pool.discard(channel);
            HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
            timeout.initCause(e);
            throw timeout;
        } catch (ConnectException e) {
            pool.discard(channel);
            throw proxy == null ? e : new ProxyUnreachableException(proxy, e);
        } catch (IOException | RuntimeException e) {
            pool.discard(channel);
            throw e;
        }
        TlsSession tls;
        try {
            tls = https ? new TlsSession(tls(), uri.getHost(), port) : null;
        } catch (IOException | RuntimeException e) {
            pool.discard(channel);
            throw e;
        }
        SocketConnection connection = new SocketConnection(authority, channel, tls, null, this);
        open.add(connection);
        if (closed.get()) {
            connection.close();
            throw new IOException("The HTTP client is closed");
        }
        try {
            if (https && proxy != null) {
                connection.tunnel(Http1.connect(uri.getHost(), port, proxy), proxy, uri.getHost() + ":" + port);
            }
            connection.handshake();
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private SSLContext tls() throws IOException {
        try {
            return sslContext != null ? sslContext : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("The JDK has no default TLS context: " + e.getMessage(), e);
        }
    }

    /** Takes back a connection whose body was read or given up: pooled if the response allows, else closed. */
    void release(SocketConnection connection, Http1Decoder decoder) {
        if (connection.isClosed()) {
            return;
        }
        long maxIdle = Http1.maxIdleNanos(decoder.headers());
        if (!decoder.reusable() || connection.buffer.hasRemaining() || closed.get() || maxIdle <= 0) {
            connection.close();
            return;
        }
        ConnectionPool.Idle idle = connection.detach(System.nanoTime(), maxIdle);
        if (idle != null) {
            pool.offer(idle);
        }
    }

    /** A connection of this face closed ({@code closed}) or went to the pool: it is no longer this face's. */
    void released(SocketConnection connection, boolean closed) {
        open.remove(connection);
        if (closed) {
            pool.closed();
        }
    }

    /** How many connections are open, idle or in use (by either face, when the pool is shared). For leak checks. */
    int openConnections() {
        return pool.openConnections();
    }

    /** Closes the connections in use, whose exchanges then fail, and the pool if it is this face's own. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            open.forEach(SocketConnection::close);
            if (ownsPool) {
                pool.close();
            }
        }
    }
}
