package ai.synth.lm.internal.http;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector thread of {@link NioHttp1}: a daemon started on first use that owns the selector, runs the tasks other
 * threads hand it, and calls its {@link Handler} for every ready key, before and after each select, and for the
 * deadlines it keeps. Thread-safe; the handler runs on the loop thread only.
 */
final class NioLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NioLoop.class);

    /**
     * The most queued tasks run between two looks at the sockets. With 10,000 calls queued at once, opening every
     * connection before writing any request would hold back the first requests until the last connection opened;
     * in batches, requests go out while later connections are still opening.
     */
    private static final int TASKS_PER_SELECT = 64;

    /** What the loop drives. Called on the loop thread only. */
    interface Handler {
        /** A key the select found ready. */
        void ready(SelectionKey key);

        /** Before each select: whether work waits on the select's return, so that it must not block. */
        boolean beforeSelect();

        /** After each select, before the queued tasks run. */
        void afterSelect();

        /** Nanoseconds from {@code now} to the handler's next deadline, or {@link Long#MAX_VALUE} if none. */
        long untilNextDeadline(long now);

        /** Acts on the deadlines passed at {@code now}. */
        void expire(long now);

        /** The loop is ending (closed, or failed): release everything; the selector is still open. */
        void shutdown();
    }

    /** A task that must answer even when the loop is gone. */
    interface Task extends Runnable {
        /** The loop closed before the task ran. */
        void abandon(IOException cause);
    }

    private final String name;
    private final Handler handler;
    /** The handler's {@link Handler#ready}, made once rather than for every select. */
    private final Consumer<SelectionKey> ready;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Selector selector; // set once, before the thread starts
    private volatile Thread thread; // set once, under the lock of this

    /** A loop for the client of provider {@code name} (which names its thread); started by {@link #start()}. */
    NioLoop(String name, Handler handler) {
        this.name = name;
        this.handler = handler;
        this.ready = handler::ready;
    }

    /** Starts the thread if it has not started yet; fails once the loop is closed. */
    void start() throws IOException {
        if (thread != null && !closed.get()) {
            return;
        }
        synchronized (this) {
            if (closed.get()) {
                throw new IOException("This " + name + " HTTP client is closed");
            }
            if (thread == null) {
                selector = Selector.open();
                thread = new Thread(this::loop, "synth-lm-nio-" + name);
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** The selector; for the loop thread. */
    Selector selector() {
        return selector;
    }

    /** Whether {@link #close()} ran, or the loop failed. */
    boolean closed() {
        return closed.get();
    }

    /** Whether the caller is the loop thread. */
    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread, or abandons it (a {@link Task}) if the loop closed. Any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (closed.get()) {
            abandonTasks(); // the loop may have ended already: nobody else would ever look at the queue
        } else if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Ends the loop: the handler shuts down on the loop thread, which this waits for (briefly). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread t;
        synchronized (this) { // after start(), which checks closed under the same lock
            t = thread;
        }
        if (t == null) {
            return;
        }
        selector.wakeup();
        if (t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10)); // the handler only closes sockets: never long
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        try {
            while (!closed.get()) {
                turn();
            }
        } catch (IOException | RuntimeException | Error e) {
            log.error("The {} HTTP/1.1 selector failed; closing every connection", name, e);
            closed.set(true);
        } finally {
            try {
                handler.shutdown();
            } finally {
                try {
                    selector.close();
                } catch (IOException e) {
                    log.debug("Closing the {} selector failed", name, e);
                }
                abandonTasks();
            }
        }
    }

    /**
     * One turn of the loop: a select, then the queued tasks and the deadlines. A method of its own rather than the
     * body of {@link #loop}'s {@code while}, so that HotSpot compiles it as a method after a few thousand turns: a loop
     * that never returns is compiled only by on-stack replacement, which came after 6 to 9 s of a loaded 2-core machine.
     */
    private void turn() throws IOException {
        if (handler.beforeSelect() || !tasks.isEmpty()) {
            selector.selectNow(ready); // work is waiting: only look at what is ready
        } else {
            selector.select(ready, selectTimeout());
        }
        handler.afterSelect();
        wakeupPending.set(false); // before the drain: a task added after this wakes the next select
        Runnable task;
        for (int i = 0; i < TASKS_PER_SELECT && (task = tasks.poll()) != null; i++) {
            runSafely(task);
        }
        handler.expire(System.nanoTime());
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("A task of the {} HTTP/1.1 selector failed", name, e);
        }
    }

    /** Milliseconds until the handler's next deadline, or 0 (no limit) if there is none. */
    private long selectTimeout() {
        long next = handler.untilNextDeadline(System.nanoTime());
        return next == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(next) + 1);
    }

    private void abandonTasks() {
        IOException cause = new IOException("The " + name + " HTTP client was closed");
        for (Runnable task; (task = tasks.poll()) != null; ) {
            if (task instanceof Task t) {
                t.abandon(cause);
            }
        }
    }
}
