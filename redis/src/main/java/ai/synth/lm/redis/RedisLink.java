package ai.synth.lm.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed Lettuce connection with a timeout on every command. A failed command marks Redis down: the
 * outage is logged once, commands are not tried again for {@code retryInterval}, and the first one that works
 * again logs the recovery. Commands are refused at once while the connection is down (no queue to wait in).
 */
final class RedisLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisState.class);
    /** How long a connection attempt may go on in the background; a command waits only its own timeout. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RedisClient client;
    private final RedisURI uri;
    private final long timeoutNanos;
    private CompletableFuture<StatefulRedisConnection<String, String>> pending;
    private final String address;
    private final long retryNanos;
    private final String whileDown;
    private final Object connecting = new Object();
    private final AtomicBoolean down = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAt;
    private volatile boolean closed;

    RedisLink(RedisURI uri, Duration timeout, Duration retryInterval, String whileDown) {
        uri.setTimeout(timeout);
        this.uri = uri;
        this.timeoutNanos = timeout.toNanos();
        this.address = uri.getHost() + ":" + uri.getPort();
        this.retryNanos = retryInterval.toNanos();
        this.whileDown = whileDown;
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .build());
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                sent.increment();
            }
        });
    }

    /** Where Redis is, as {@code host:port} (never with a password). */
    String address() {
        return address;
    }

    /** Whether the last command failed and Redis counts as down. */
    boolean isDown() {
        return down.get();
    }

    /**
     * Runs {@code op} on Redis.
     *
     * @throws Unavailable if Redis is down or the command failed or timed out
     */
    <T> T run(String what, Function<RedisCommands<String, String>, T> op) {
        if (closed) {
            throw new Unavailable(new IllegalStateException("the RedisState is closed"));
        }
        if (down.get() && System.nanoTime() - retryAt < 0) {
            throw new Unavailable(null);
        }
        try {
            T value = op.apply(commands());
            if (down.compareAndSet(true, false)) {
                log.info("Redis at {} answers again; routing and warm state are shared again", address);
            }
            return value;
        } catch (RuntimeException e) {
            retryAt = System.nanoTime() + retryNanos;
            if (down.compareAndSet(false, true)) {
                log.warn("Redis at {} failed to {} ({}); {} until it answers again", address, what,
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        whileDown);
            }
            throw new Unavailable(e);
        }
    }

    /** Runs a script by its digest, loading it first when Redis does not know it (e.g. after a restart). */
    static long eval(RedisCommands<String, String> c, Scripts.Script script, String[] keys, String... args) {
        Long result = evalAs(c, ScriptOutputType.INTEGER, script, keys, args);
        return result == null ? 0 : result;
    }

    /** Runs a script that returns a list of integers. */
    static List<Long> evalList(RedisCommands<String, String> c, Scripts.Script script, String[] keys,
            String... args) {
        List<Object> result = evalAs(c, ScriptOutputType.MULTI, script, keys, args);
        List<Long> out = new ArrayList<>(result.size());
        for (Object o : result) {
            out.add((Long) o);
        }
        return out;
    }

    private static <T> T evalAs(RedisCommands<String, String> c, ScriptOutputType type, Scripts.Script script,
            String[] keys, String... args) {
        try {
            return c.evalsha(script.sha(), type, keys, args);
        } catch (RedisNoScriptException e) {
            c.scriptLoad(script.source());
            return c.evalsha(script.sha(), type, keys, args);
        }
    }

    /** The commands sent to Redis so far: each one round trip (a script is one command). */
    long commandsSent() {
        return sent.sum();
    }

    /**
     * Starts connecting unless connected or connecting, and waits at most {@code within}; a connection that takes
     * longer goes on in the background, for later commands.
     *
     * @return whether connected
     */
    boolean connect(Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                connection(Math.max(0, end - System.nanoTime())).sync().ping();
                retryAt = System.nanoTime();
                down.set(false);
                return true;
            } catch (RuntimeException e) {
                if (end - System.nanoTime() <= 0 || closed) {
                    log.debug("No connection to Redis at {}: {}", address, e.toString());
                    return false;
                }
                try {
                    Thread.sleep(20); // a connection that is not ready yet: look again shortly
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        return (c != null ? c : connection(timeoutNanos)).sync();
    }

    private StatefulRedisConnection<String, String> connection(long waitNanos) {
        CompletableFuture<StatefulRedisConnection<String, String>> f;
        synchronized (connecting) {
            if (connection != null) {
                return connection;
            }
            f = pending;
            if (f == null || f.isCompletedExceptionally()) {
                f = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
                pending = f;
            }
        }
        try {
            StatefulRedisConnection<String, String> c = f.get(waitNanos, TimeUnit.NANOSECONDS);
            connection = c;
            return c;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("connecting took longer than " + waitNanos / 1_000_000 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        CompletableFuture<StatefulRedisConnection<String, String>> f = pending;
        if (f != null) {
            f.thenAccept(StatefulRedisConnection::close);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** Redis could not be used; the cause is null when it is known to be down and was not tried. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(Throwable cause) {
            super(cause == null ? "Redis is down" : cause.toString(), cause, false, false);
        }
    }
}
