package ai.synth.lm.internal;

import ai.synth.lm.internal.http.Proxies;
import ai.synth.lm.Scheduler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Everything the engine needs to know about one provider, resolved from its public config.
 *
 * @param provider the provider name used in messages, e.g. {@code synth}
 * @param apiBase the base URL ending in {@code /v1} (no trailing slash)
 * @param warmupBase the Synth base without {@code /v1}, or null for providers without warmup
 * @param apiKey the bearer token
 * @param timeout the per-attempt timeout
 * @param connectTimeout the connect timeout
 * @param maxRetries retries after the first attempt
 * @param firstByteTimeout streams: the longest wait for the first body byte
 * @param idleTimeout streams: the longest quiet time between events
 * @param streamTimeout streams: the longest time of a whole stream
 * @param maxResponseSize the largest response body read whole, in bytes
 * @param clock the clock
 * @param scheduler the scheduler of waits
 * @param advice how to fix what commonly goes wrong, in this provider's terms
 * @param sslContext the TLS context of https connections, or null for the JDK's default
 * @param proxies the HTTP proxies calls go through, from the environment
 * @param events where calls report their steps; {@link Events#NONE} when nobody listens
 */
public record ProviderSettings(
        String provider,
        String apiBase,
        String warmupBase,
        String apiKey,
        Duration timeout,
        Duration connectTimeout,
        int maxRetries,
        Duration firstByteTimeout,
        Duration idleTimeout,
        Duration streamTimeout,
        long maxResponseSize,
        Clock clock,
        Scheduler scheduler,
        Advice advice,
        SSLContext sslContext,
        Proxies proxies,
        Events events) {

    /** Settings with the JDK's default TLS context. */
    public ProviderSettings(String provider, String apiBase, String warmupBase, String apiKey, Duration timeout,
            Duration connectTimeout, int maxRetries, Duration firstByteTimeout, Duration idleTimeout,
            Duration streamTimeout, long maxResponseSize, Clock clock, Scheduler scheduler, Advice advice) {
        this(provider, apiBase, warmupBase, apiKey, timeout, connectTimeout, maxRetries, firstByteTimeout,
                idleTimeout, streamTimeout, maxResponseSize, clock, scheduler, advice, null, Proxies.NONE, Events.NONE);
    }

    /** The settings with {@link Proxies#NONE} and {@link Events#NONE} when none are given. */
    public ProviderSettings {
        proxies = proxies == null ? Proxies.NONE : proxies;
        events = events == null ? Events.NONE : events;
    }

    /**
     * Hints for error messages.
     *
     * @param key how to fix a rejected key
     * @param baseUrl how to fix an unreachable server
     * @param timeout how to fix a timeout
     * @param retries how to retry longer
     */
    public record Advice(String key, String baseUrl, String timeout, String retries) {}

    /** The Synth base: the URL without a trailing {@code /} or {@code /v1}. */
    public static String synthBase(String url) {
        String base = url.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/v1")) {
            base = base.substring(0, base.length() - 3);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** The chat completions endpoint. */
    public URI chatUri() {
        return URI.create(apiBase + "/chat/completions");
    }

    /** The provider and its URLs; never the key. */
    @Override
    public String toString() {
        return "ProviderSettings[provider=" + provider + ", apiBase=" + apiBase + ", warmupBase=" + warmupBase
                + ", apiKey=" + Settings.redact(apiKey) + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
