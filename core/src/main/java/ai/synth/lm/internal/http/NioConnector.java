package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * How {@link NioHttp1} opens a connection: the non-blocking connect and its deadline, the proxy's {@code CONNECT}
 * tunnel, and the start of the TLS handshake. Once the connection is ready its request goes out, and from then on
 * the selector loop drives it. Confined to the selector thread.
 */
final class NioConnector {

    private final NioHttp1 http;
    private final ProviderSettings settings;
    private final ConnectionPool pool;
    private final long connectNanos; // 0: no connect timeout
    private final ArrayDeque<NioConnection> connecting = new ArrayDeque<>(); // in deadline order: one timeout for all

    NioConnector(NioHttp1 http, ProviderSettings settings, ConnectionPool pool) {
        this.http = http;
        this.settings = settings;
        this.pool = pool;
        Duration connect = settings.connectTimeout();
        this.connectNanos = connect == null || connect.isZero() || connect.isNegative() ? 0 : connect.toNanos();
    }

    /** Opens a new connection for {@code exchange} on {@code selector}; failures go to the exchange. */
    void connect(NioExchange exchange, Selector selector) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            exchange.fail(e);
            return;
        }
        pool.opened();
        settings.events().connectionOpened(exchange.authority);
        NioConnection connection;
        try {
            connection = new NioConnection(channel, exchange.authority, tlsFor(exchange));
            if (connection.tls != null && exchange.proxy != null) {
                URI uri = exchange.request.uri();
                connection.beginTunnel(Http1.connect(uri.getHost(), exchange.port, exchange.proxy), exchange.proxy,
                        uri.getHost() + ":" + exchange.port);
            }
        } catch (IOException | RuntimeException e) {
            pool.discard(channel);
            exchange.fail(e instanceof IOException io ? io : new IOException(e));
            return;
        }
        connection.attach(exchange);
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = channel.connect(exchange.address);
            connection.key = channel.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    connection);
            if (now) {
                connection.connected = true;
                startTls(connection);
                connection.write();
            } else if (connectNanos > 0) {
                connection.connectDeadline = System.nanoTime() + connectNanos;
                connecting.addLast(connection);
            }
        } catch (IOException e) {
            http.broken(connection, e);
        }
    }

    /** The socket of {@code connection} became connectable: finishes the connect and starts the TLS handshake. */
    void connected(NioConnection connection) throws IOException {
        try {
            if (!connection.channel.finishConnect()) {
                return; // not yet, despite the readiness: wait for the next one
            }
        } catch (IOException e) {
            ConnectException refused = e instanceof ConnectException c ? c
                    : (ConnectException) new ConnectException(e.getMessage()).initCause(e);
            NioExchange exchange = connection.exchange;
            throw exchange != null && exchange.proxy != null ? new ProxyUnreachableException(exchange.proxy, e) : refused;
        }
        connection.connected = true;
        connection.key.interestOps(SelectionKey.OP_READ);
        startTls(connection);
        connection.write();
    }

    /**
     * Reads the proxy's answer to CONNECT through {@code buffer} (cleared, in write mode); once it is a 2xx, the TLS
     * handshake starts through the tunnel.
     */
    void tunnelAnswer(NioConnection connection, ByteBuffer buffer) throws IOException {
        int n = connection.channel.read(buffer);
        buffer.flip();
        if (connection.tunnelAnswered(buffer, n < 0)) {
            startTls(connection);
            connection.write();
        }
    }

    /** Fails the connects past their deadline. */
    void expire(long now) {
        for (NioConnection c; (c = connecting.peekFirst()) != null; ) {
            if (c.connected || c.closed) {
                connecting.pollFirst();
            } else if (now - c.connectDeadline >= 0) {
                connecting.pollFirst();
                NioExchange exchange = c.exchange;
                http.close(c);
                if (exchange != null) {
                    exchange.connection = null;
                    exchange.fail(new HttpConnectTimeoutException("Connecting to " + c.authority + " timed out after "
                            + TimeUnit.NANOSECONDS.toMillis(connectNanos) + " ms"));
                }
            } else {
                break;
            }
        }
    }

    /** Nanoseconds from {@code now} to the next connect deadline, or {@link Long#MAX_VALUE} if none. */
    long untilNextDeadline(long now) {
        NioConnection first = connecting.peekFirst();
        return first == null ? Long.MAX_VALUE : first.connectDeadline - now;
    }

    /** Forgets every connect in progress (their connections are closed by the caller). */
    void clear() {
        connecting.clear();
    }

    /** Starts the TLS handshake of a connection that just connected; its first bytes go out with the next write. */
    private static void startTls(NioConnection connection) throws IOException {
        if (connection.tls != null && !connection.tunneling()) {
            connection.tls.handshake();
        }
    }

    private TlsSession tlsFor(NioExchange exchange) throws IOException {
        URI uri = exchange.request.uri();
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        try {
            SSLContext context = settings.sslContext() != null ? settings.sslContext() : SSLContext.getDefault();
            return new TlsSession(context, uri.getHost(), exchange.port);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("The JDK has no default TLS context: " + e.getMessage(), e);
        }
    }
}
