package ai.synth.lm.internal.http;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The idle keep-alive connections the selector of {@link NioHttp1} keeps for itself, per authority, newest first.
 * They stay registered with the selector, reading, so that a server's close while idle evicts them, and the next
 * asynchronous call takes one back without a trip through the shared {@link ConnectionPool} (which would cost
 * deregistering and registering its channel again, and a turn of the selector loop, on every call). The blocking
 * face, finding the shared pool empty, asks for them ({@link ConnectionPool.Lender}).
 *
 * <p>Confined to the selector thread, except {@link #size()}, which any thread may read.
 */
final class NioIdle {

    private final Map<String, ArrayDeque<NioConnection>> idle = new HashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ConnectionPool pool;
    private final long limitNanos;
    private final Consumer<NioConnection> close;
    /** Connections lent to the pool since the last select: their keys are cancelled, and deregistered by the next. */
    private List<Loan> detaching = new ArrayList<>();
    /** Those the current select deregisters, for the pool once it returns. */
    private List<Loan> offering = List.of();
    /** For the plain-socket check before reuse; a single byte, so nothing is consumed that could matter. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);

    /**
     * Connections kept within {@code pool}'s idle limit (less if their server says so), lent to it on demand;
     * {@code close} closes and counts them.
     */
    NioIdle(ConnectionPool pool, Consumer<NioConnection> close) {
        this.pool = pool;
        this.limitNanos = pool.limitNanos();
        this.close = close;
    }

    /** Whether one more idle connection to {@code authority} fits, counting the pool's and those on loan. */
    boolean hasRoom(String authority) {
        return pool.hasRoom(authority, size(authority) + detaching.size() + offering.size());
    }

    /**
     * Lends the blocking face one idle connection to {@code authority}: its key is cancelled now, the next select
     * deregisters it, and then it goes to the pool and {@code lent} completes (at once if there is none to lend).
     */
    void lend(String authority, CompletableFuture<Void> lent) {
        NioConnection c = take(authority, System.nanoTime());
        if (c == null) {
            lent.complete(null);
        } else {
            detaching.add(new Loan(c.detach(c.idleSince, c.maxIdleNanos), lent));
        }
    }

    /** Before a select: whether loans wait for its return (so that it must not block). */
    boolean beforeSelect() {
        if (!detaching.isEmpty()) {
            offering = detaching;
            detaching = new ArrayList<>();
        }
        return !offering.isEmpty();
    }

    /** After a select, which deregistered the loans: they go to the pool, and their borrowers are told. */
    void afterSelect() {
        for (Loan loan : offering) {
            pool.offer(loan.idle);
            loan.lent.complete(null);
        }
        offering = List.of();
    }

    /** How many connections are idle here, for all authorities. Any thread. */
    int size() {
        return size.get();
    }

    /** How many connections to {@code authority} are idle here. */
    int size(String authority) {
        ArrayDeque<NioConnection> pooled = idle.get(authority);
        return pooled == null ? 0 : pooled.size();
    }

    /**
     * Keeps {@code connection} (its exchange done) for reuse, from {@code now} for at most {@code maxIdleNanos} (the
     * server's keep-alive), reading so that a close while idle is seen.
     */
    void offer(NioConnection connection, long now, long maxIdleNanos) {
        connection.idleSince = now;
        connection.maxIdleNanos = Math.min(limitNanos, maxIdleNanos);
        connection.interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE, false);
        connection.interest(SelectionKey.OP_READ, true);
        idle.computeIfAbsent(connection.authority, k -> new ArrayDeque<>()).addFirst(connection);
        size.incrementAndGet();
    }

    /**
     * The newest idle connection to {@code authority} that is in time and passes the check before reuse (a
     * non-blocking read finds neither the server's close nor bytes nobody asked for), or null; the others are closed.
     */
    NioConnection take(String authority, long now) {
        ArrayDeque<NioConnection> pooled = idle.get(authority);
        for (NioConnection c; pooled != null && (c = pooled.pollFirst()) != null; ) {
            size.decrementAndGet();
            if (now - c.idleSince < c.maxIdleNanos && healthy(c)) {
                return c;
            }
            close.accept(c);
        }
        return null;
    }

    /** An idle connection became readable: closed if that was the server's close or stray bytes. */
    void readable(NioConnection connection) {
        if (!healthy(connection)) {
            ArrayDeque<NioConnection> pooled = idle.get(connection.authority);
            if (pooled != null && pooled.remove(connection)) {
                size.decrementAndGet();
            }
            close.accept(connection);
        }
    }

    /** Closes the connections idle too long at {@code now}: oldest first, stopping at the first one in time. */
    void expire(long now) {
        for (ArrayDeque<NioConnection> pooled : idle.values()) {
            for (NioConnection c; (c = pooled.peekLast()) != null && now - c.idleSince >= c.maxIdleNanos; ) {
                pooled.pollLast();
                size.decrementAndGet();
                close.accept(c);
            }
        }
    }

    /** Nanoseconds from {@code now} until the oldest connection of some authority expires, or Long.MAX_VALUE. */
    long untilNextExpiry(long now) {
        long next = Long.MAX_VALUE;
        for (ArrayDeque<NioConnection> pooled : idle.values()) {
            NioConnection oldest = pooled.peekLast();
            if (oldest != null) {
                next = Math.min(next, oldest.idleSince + oldest.maxIdleNanos - now);
            }
        }
        return next;
    }

    /** Closes every idle connection, and those on loan that never reached the pool. */
    void clear() {
        for (List<Loan> loans : List.of(offering, detaching)) {
            for (Loan loan : loans) {
                pool.discard(loan.idle.channel);
                loan.lent.complete(null);
            }
        }
        offering = List.of();
        detaching = new ArrayList<>();
        for (ArrayDeque<NioConnection> pooled : idle.values()) {
            for (NioConnection c; (c = pooled.pollFirst()) != null; ) {
                size.decrementAndGet();
                close.accept(c);
            }
        }
    }

    /** A connection on its way to the pool, and the future that completes once it is there. */
    private record Loan(ConnectionPool.Idle idle, CompletableFuture<Void> lent) {}

    private boolean healthy(NioConnection c) {
        return !c.closed && ConnectionPool.healthy(c.channel, c.tls, probe);
    }
}
