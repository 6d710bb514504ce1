package ai.synth.lm.internal.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle keep-alive connections of one provider, shared by the blocking face ({@link BlockingHttp1}) and the
 * selector ({@link NioHttp1}), so that a connection one face opened carries the other's next call. One idle rule
 * for both: a connection is reused only within its server's {@code Keep-Alive: timeout} (less a margin), or
 * {@link Http1#DEFAULT_MAX_IDLE_NANOS} when the server gave none, and within the pool's own limit; and only after
 * a non-blocking read found neither the server's close nor bytes nobody asked for.
 *
 * <p>An idle connection here belongs to no face: its channel is non-blocking and registered with no selector, so
 * either face may take it. Taking removes it, so it has one owner at a time. The selector keeps the connections its
 * own calls freed registered with it ({@link NioIdle}), which saves two system calls and a turn of its loop per
 * call, and lends one to the blocking face that finds none here ({@link #takeOrBorrow}). The pool also counts every
 * open connection of both faces, idle or not, for leak checks. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {

    /** The most idle connections kept per authority. */
    static final int MAX_IDLE_PER_AUTHORITY = 256;

    /**
     * A connection waiting in the pool: its channel (non-blocking, on no selector), its TLS session for
     * {@code https}, and the read buffer of the blocking face if that face used it last (so that it is not made
     * again for every call).
     */
    static final class Idle {
        final String authority;
        final SocketChannel channel;
        final TlsSession tls;
        final ByteBuffer buffer;
        final long since;
        final long maxIdleNanos;

        Idle(String authority, SocketChannel channel, TlsSession tls, ByteBuffer buffer, long since,
                long maxIdleNanos) {
            this.authority = authority;
            this.channel = channel;
            this.tls = tls;
            this.buffer = buffer;
            this.since = since;
            this.maxIdleNanos = maxIdleNanos;
        }
    }

    /**
     * A face that keeps idle connections of its own (the selector's, which stay registered with it) and hands them
     * to the pool when the other face finds none here.
     */
    interface Lender {
        /** How many idle connections it keeps now, for any authority. Any thread; cheap. */
        int idleConnections();

        /**
         * Moves one of its idle connections to {@code authority} into the pool; the future completes once it is
         * there (or there was none). Never completes exceptionally.
         */
        CompletableFuture<Void> lend(String authority);

        /** Whether the caller is the lender's own thread, which must never wait for it. */
        boolean onLenderThread();
    }

    /** How long the blocking face waits for the selector to lend it a connection before opening one itself. */
    private static final long LEND_WAIT_MILLIS = 1_000;

    private final Map<String, ConcurrentLinkedDeque<Idle>> idle = new ConcurrentHashMap<>();
    private volatile Lender lender;
    private final long limitNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A pool keeping a connection idle for at most {@code limit}, whatever its server allows. */
    ConnectionPool(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    /**
     * The newest idle connection to {@code authority} that is fresh enough and passes the check before reuse, or
     * null; the ones that fail are closed. The caller owns what it gets.
     */
    Idle take(String authority, long now) {
        ConcurrentLinkedDeque<Idle> pooled = idle.get(authority);
        if (pooled == null) {
            return null;
        }
        for (Idle c; (c = pooled.pollFirst()) != null; ) {
            if (!expired(c, now) && healthy(c.channel, c.tls, ByteBuffer.allocate(1))) {
                return c;
            }
            discard(c.channel);
        }
        return null;
    }

    /**
     * As {@link #take}, and when none is here, asks the {@link Lender} (if one keeps idle connections) for one of
     * its idle connections to {@code authority} and takes it. Blocks only while the lender moves them, within a
     * second; an interrupt ends the wait (the flag stays set) and the caller opens a connection of its own.
     */
    Idle takeOrBorrow(String authority, long now) {
        Idle got = take(authority, now);
        Lender l = lender;
        if (got != null || l == null || l.idleConnections() == 0 || l.onLenderThread()) {
            return got;
        }
        try {
            l.lend(authority).get(LEND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null; // a new connection serves as well
        }
        return take(authority, System.nanoTime());
    }

    /** Sets the face whose own idle connections {@link #takeOrBorrow} may ask for. */
    void lender(Lender lender) {
        this.lender = lender;
    }

    /**
     * Keeps {@code connection} for reuse (its channel non-blocking and on no selector), or closes it if the pool is
     * closed or its authority has enough idle ones. Closes the ones past their time on the way.
     */
    void offer(Idle connection) {
        ConcurrentLinkedDeque<Idle> pooled = idle.computeIfAbsent(connection.authority,
                k -> new ConcurrentLinkedDeque<>());
        if (closed.get() || pooled.size() >= MAX_IDLE_PER_AUTHORITY) {
            discard(connection.channel);
            return;
        }
        pooled.offerFirst(connection);
        expire(pooled, connection.since);
        if (closed.get() && pooled.remove(connection)) {
            discard(connection.channel); // close() ran meanwhile and may have missed it
        }
    }

    /**
     * Whether {@code authority} has room for one more idle connection, counting {@code coming} more on their way to
     * it (at most; they may be for other authorities), so that a face can close an extra one at once.
     */
    boolean hasRoom(String authority, int coming) {
        ConcurrentLinkedDeque<Idle> pooled = idle.get(authority);
        return (pooled == null ? 0 : pooled.size()) + coming < MAX_IDLE_PER_AUTHORITY;
    }

    /** Closes the connections idle too long at {@code now}. */
    void expire(long now) {
        for (ConcurrentLinkedDeque<Idle> pooled : idle.values()) {
            expire(pooled, now);
        }
    }

    /**
     * Oldest first, stopping at the first one still in time: cheap enough for every turn of the selector. A younger
     * connection with a shorter limit may outstay it here, but {@link #take} checks each one's own limit.
     */
    private void expire(ConcurrentLinkedDeque<Idle> pooled, long now) {
        for (Idle c; (c = pooled.peekLast()) != null && expired(c, now); ) {
            if (pooled.removeLastOccurrence(c)) {
                discard(c.channel);
            }
        }
    }

    /** Nanoseconds from {@code now} until the next idle connection expires, or {@link Long#MAX_VALUE} if none. */
    long untilNextExpiry(long now) {
        long next = Long.MAX_VALUE;
        for (ConcurrentLinkedDeque<Idle> pooled : idle.values()) {
            Idle oldest = pooled.peekLast();
            if (oldest != null) {
                next = Math.min(next, oldest.since + limit(oldest) - now);
            }
        }
        return next;
    }

    private boolean expired(Idle c, long now) {
        return now - c.since >= limit(c);
    }

    /** A connection's idle limit: the server's, from its last response, within the pool's own. */
    private long limit(Idle c) {
        return Math.min(limitNanos, c.maxIdleNanos);
    }

    /**
     * Whether an idle connection can carry a request: a non-blocking read finds neither the server's close nor bytes
     * nobody asked for (OkHttp's check before reusing a pooled connection). For TLS the bytes read are decrypted,
     * so that a session ticket the server sent late does not retire a healthy connection. A request on a connection
     * that passed may still meet a close that crossed it on the wire; that is an attempt's failure. {@code probe}
     * takes the one byte a plain channel's read may bring (cleared here); the caller owns it.
     */
    static boolean healthy(SocketChannel channel, TlsSession tls, ByteBuffer probe) {
        if (!channel.isOpen()) {
            return false;
        }
        if (tls != null) {
            return tls.idleProbe(channel);
        }
        try {
            return channel.read(probe.clear()) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The longest any connection stays idle, whatever its server allows. */
    long limitNanos() {
        return limitNanos;
    }

    /** A face opened a connection. */
    void opened() {
        open.incrementAndGet();
    }

    /** A face closed a connection it owned; idle ones the pool closes are counted here too. */
    void closed() {
        open.decrementAndGet();
    }

    /**
     * Closes a channel a face (or this pool) owned and counts it closed: the one way a connection that carried no
     * exchange, or is being given up, leaves. Never throws.
     */
    void discard(SocketChannel channel) {
        closed();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    /** How many connections of both faces are open, busy or idle. For leak checks. */
    int openConnections() {
        return open.get();
    }

    /** How many connections wait idle. For tests. */
    int idleConnections() {
        return idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
    }

    /** Closes every idle connection; later offers are closed at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (ConcurrentLinkedDeque<Idle> pooled : idle.values()) {
                for (Idle c; (c = pooled.pollFirst()) != null; ) {
                    discard(c.channel);
                }
            }
        }
    }
}
