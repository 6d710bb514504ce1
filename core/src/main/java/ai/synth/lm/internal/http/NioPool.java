package ai.synth.lm.internal.http;

import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The idle keep-alive connections of {@link NioHttp1}, per authority, newest first: the newest is the least likely
 * to have been closed by the server, and the oldest expire from the other end. Confined to the selector thread.
 */
final class NioPool {

    private final Map<String, ArrayDeque<NioConnection>> idle = new HashMap<>();
    private final long idleNanos;
    private final int maxPerAuthority;
    private final Consumer<NioConnection> close;

    /**
     * A pool keeping connections at most {@code idleNanos} and at most {@code maxPerAuthority} per authority;
     * {@code close} closes (and counts) the ones it lets go.
     */
    NioPool(long idleNanos, int maxPerAuthority, Consumer<NioConnection> close) {
        this.idleNanos = idleNanos;
        this.maxPerAuthority = maxPerAuthority;
        this.close = close;
    }

    /** The newest idle connection to {@code authority} that has not expired, or null; expired ones are closed. */
    NioConnection take(String authority, long now) {
        ArrayDeque<NioConnection> pooled = idle.get(authority);
        for (NioConnection c; pooled != null && (c = pooled.pollFirst()) != null; ) {
            if (!expired(c, now)) {
                return c;
            }
            close.accept(c); // expired since the last sweep; the older ones behind it are too
        }
        return null;
    }

    /** Keeps {@code connection} for reuse, or closes it if its authority has enough idle ones. */
    void offer(NioConnection connection, long now) {
        ArrayDeque<NioConnection> pooled = idle.computeIfAbsent(connection.authority, k -> new ArrayDeque<>());
        if (pooled.size() >= maxPerAuthority) {
            close.accept(connection);
            return;
        }
        connection.idleSince = now;
        connection.interest(SelectionKey.OP_READ, true); // an EOF or stray bytes while idle evict it
        pooled.addFirst(connection);
    }

    /** Closes an idle connection that the server closed, or that received bytes nobody asked for. */
    void evict(NioConnection connection) {
        ArrayDeque<NioConnection> pooled = idle.get(connection.authority);
        if (pooled != null) {
            pooled.remove(connection);
        }
        close.accept(connection);
    }

    /** Closes the connections idle for too long at {@code now}. */
    void expire(long now) {
        for (ArrayDeque<NioConnection> pooled : idle.values()) {
            // Oldest first, stopping at the first one still in time: cheap on every turn of the selector loop. A
            // younger connection with a shorter limit may outstay it here, but take() checks each one's own limit.
            for (NioConnection c; (c = pooled.peekLast()) != null && expired(c, now); ) {
                pooled.pollLast();
                close.accept(c);
            }
        }
    }

    /** Nanoseconds from {@code now} until the next connection expires, or {@link Long#MAX_VALUE} if none is idle. */
    long untilNextExpiry(long now) {
        long next = Long.MAX_VALUE;
        for (ArrayDeque<NioConnection> pooled : idle.values()) {
            NioConnection oldest = pooled.peekLast();
            if (oldest != null) {
                next = Math.min(next, oldest.idleSince + limit(oldest) - now);
            }
        }
        return next;
    }

    private boolean expired(NioConnection c, long now) {
        return now - c.idleSince >= limit(c);
    }

    /** A connection's idle limit: the server's, from its last response, within this pool's own. */
    private long limit(NioConnection c) {
        return Math.min(idleNanos, c.maxIdleNanos);
    }
}
