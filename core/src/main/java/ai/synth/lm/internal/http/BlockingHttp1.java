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
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 (over TLS for {@code https}) on blocking socket channels, read and written on the caller's thread: a
 * call costs one write and the reads its response needs, with no hand-off to another thread. Keep-alive connections
 * are pooled per host, newest first, for as long as the server's {@code Keep-Alive: timeout} allows (else
 * {@link Http1#DEFAULT_MAX_IDLE_NANOS}), and checked before reuse: one the server closed while idle is dropped
 * before the request goes out. A request goes out again on a new connection only when not one byte of it was
 * written; once it may have reached the server, a failure is the attempt's, never resent here. An interrupt of
 * the calling thread closes the connection and ends the call. Thread-safe.
 */
final class BlockingHttp1 implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlockingHttp1.class);

    /** The most idle connections kept per host. */
    static final int MAX_IDLE = 256;

    private final int connectTimeoutMillis;
    private final SSLContext sslContext;
    private final Proxies proxies;
    private final Events events;
    private final Map<String, ConcurrentLinkedDeque<SocketConnection>> idle = new ConcurrentHashMap<>();
    private final Set<SocketConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    BlockingHttp1(ProviderSettings settings) {
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.connectTimeout().toMillis()));
        this.sslContext = settings.sslContext();
        this.proxies = settings.proxies();
        this.events = settings.events();
    }

    /**
     * Sends {@code request} and reads the response as {@code handler} says: a {@link PullBody} gets the body as a
     * stream read later by its consumer; any other body is read whole before this returns. {@code onAbort} gets
     * the action that ends the exchange from another thread (it closes the socket).
     */
    <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler, Consumer<Runnable> onAbort)
            throws IOException {
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
            return response(request, handler, connection, decoder);
        }
    }

    private <B> HttpResponse<B> response(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            SocketConnection connection, Http1Decoder decoder) throws IOException {
        HttpHeaders headers = decoder.headers();
        HttpResponse.BodySubscriber<B> subscriber = handler.apply(new Http1.Info(decoder.status(), headers));
        if (subscriber instanceof PullBody<B> pull) {
            return new Http1.Response<>(request, decoder.status(), headers, pull.of(connection.bodyStream(decoder, this)));
        }
        Pusher pusher = new Pusher(connection);
        subscriber.onSubscribe(pusher);
        try {
            long available;
            while (!pusher.cancelled && pusher.requested > 0 && (available = connection.awaitBody(decoder)) >= 0) {
                byte[] bytes = new byte[(int) available]; // what the buffer holds: one copy, sized to fit
                connection.buffer.get(bytes);
                decoder.consumed(available);
                subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
            }
            if (!pusher.cancelled) {
                if (pusher.requested <= 0) {
                    throw new IllegalStateException("A blocking read needs a body that requests all its bytes");
                }
                subscriber.onComplete();
                release(connection, decoder);
            }
        } catch (IOException e) {
            connection.close();
            subscriber.onError(e);
        }
        CompletableFuture<B> result = subscriber.getBody().toCompletableFuture();
        if (!result.isDone()) {
            connection.close();
            throw new IllegalStateException("A blocking read needs a body that completes with its last byte");
        }
        try {
            return new Http1.Response<>(request, decoder.status(), headers, result.get());
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e); // cannot happen: the result is complete
        }
    }

    /** The subscription of a body read on the caller's thread. */
    private static final class Pusher implements Flow.Subscription {
        private final SocketConnection connection;
        volatile long requested;
        volatile boolean cancelled;

        Pusher(SocketConnection connection) {
            this.connection = connection;
        }

        @Override
        public void request(long n) {
            requested = Math.max(requested, n); // only whole-body readers come here: they ask for everything
        }

        @Override
        public void cancel() {
            cancelled = true;
            connection.close(); // from a deadline on another thread, this ends the blocked read
        }
    }

    /**
     * A pooled connection to {@code authority} that is fresh enough and passes the health check, else a new one.
     * Connections that fail are closed here, before any request touched them.
     */
    private SocketConnection connection(String authority, URI uri, Proxies.Route proxy) throws IOException {
        ConcurrentLinkedDeque<SocketConnection> pooled = idle.get(authority);
        if (pooled != null) {
            long now = System.nanoTime();
            SocketConnection c;
            while ((c = pooled.pollFirst()) != null) {
                if (now - c.idleSince < c.maxIdleNanos && c.healthy()) {
                    c.reused = true;
                    return c;
                }
                c.close();
            }
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
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            events.connectionOpened(authority);
            channel.socket().connect(address, connectTimeoutMillis);
        } catch (SocketTimeoutException e) {
            channel.close();
            HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
            timeout.initCause(e);
            throw timeout;
        } catch (ConnectException e) {
            channel.close();
            throw proxy == null ? e : new ProxyUnreachableException(proxy, e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        TlsSession tls = https ? new TlsSession(tls(), uri.getHost(), port) : null;
        SocketConnection[] self = new SocketConnection[1];
        SocketConnection connection = new SocketConnection(authority, channel, tls, () -> open.remove(self[0]));
        self[0] = connection;
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
        ConcurrentLinkedDeque<SocketConnection> pooled = idle.computeIfAbsent(connection.authority,
                k -> new ConcurrentLinkedDeque<>());
        if (pooled.size() >= MAX_IDLE) {
            connection.close();
            return;
        }
        long now = System.nanoTime();
        connection.idleSince = now;
        connection.maxIdleNanos = maxIdle;
        pooled.offerFirst(connection);
        SocketConnection oldest; // the oldest idle ones wait at the tail: close those past their time now
        while ((oldest = pooled.peekLast()) != null && now - oldest.idleSince >= oldest.maxIdleNanos) {
            if (pooled.removeLastOccurrence(oldest)) {
                oldest.close();
            }
        }
        if (closed.get() && pooled.remove(connection)) {
            connection.close();
        }
    }

    /** How many connections are open, idle or in use. For leak checks. */
    int openConnections() {
        return open.size();
    }

    /** Closes every connection: idle ones, and those in use, whose exchanges then fail. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            idle.clear();
            open.forEach(SocketConnection::close);
        }
    }
}
