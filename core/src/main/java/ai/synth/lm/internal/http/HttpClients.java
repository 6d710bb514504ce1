package ai.synth.lm.internal.http;

import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.internal.ProviderSettings;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the engine makes, runs and ends its JDK {@link HttpClient}. */
public final class HttpClients {

    private static final Logger log = LoggerFactory.getLogger(HttpEngine.class);
    private static final int WORKERS = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

    private HttpClients() {}

    /** A client on the given threads: HTTP/1.1 for plain http (no h2c upgrade), HTTP/2 over TLS, no redirects. */
    static HttpClient newClient(ProviderSettings settings, ThreadPoolExecutor workers, boolean plain) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (settings.sslContext() != null) {
            builder.sslContext(settings.sslContext());
        }
        return builder
                .proxy(settings.proxies().selector())
                .executor(workers)
                .connectTimeout(settings.connectTimeout())
                .version(plain ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The HTTP client's threads: at most {@link #WORKERS}, idle ones ending after a minute. The JDK's default, a
     * cached pool, grew to some 700 threads at 512 concurrent calls (LoadTest); the engine's own callbacks never
     * block, and callers' dependent stages should not either.
     */
    public static ThreadPoolExecutor workers(String provider) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "synth-lm-http-" + provider + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** On JDK 21 and later the HTTP client can be shut down; on 17 it is released when unreachable. */
    static void shutdown(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException onJdk17) {
            // nothing to do: the selector thread ends once the client is unreachable
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not shut the HTTP client down", e);
        }
    }

    /** Whether the host is {@code localhost} or a loopback IP literal, not a name like {@code 127.0.0.1.example.com}. */
    public static boolean isLoopback(String url) {
        String host = URI.create(url).getHost();
        if (host == null) {
            return false;
        }
        if (host.startsWith("[")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
            } catch (UnknownHostException notAnAddress) {
                return false;
            }
        }
        return host.equalsIgnoreCase("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
