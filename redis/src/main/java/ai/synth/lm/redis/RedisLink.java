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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final RedisClient client;
    private final String address;
    private final long retryNanos;
    private final String whileDown;
    private final Object connecting = new Object();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAt;
    private volatile boolean closed;

    RedisLink(RedisURI uri, Duration timeout, Duration retryInterval, String whileDown) {
        uri.setTimeout(timeout);
        this.address = uri.getHost() + ":" + uri.getPort();
        this.retryNanos = retryInterval.toNanos();
        this.whileDown = whileDown;
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
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
    static long eval(RedisCommands<String, String> c, String script, String[] keys, String... args) {
        String sha = c.digest(script);
        Long result;
        try {
            result = c.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) {
            c.scriptLoad(script);
            result = c.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        }
        return result == null ? 0 : result;
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (connecting) {
                c = connection;
                if (c == null) {
                    c = client.connect();
                    connection = c;
                }
            }
        }
        return c.sync();
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
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
