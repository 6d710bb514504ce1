package ai.synth.lm.internal.http;

import ai.synth.lm.internal.Environment;
import ai.synth.lm.ConfigurationException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Which HTTP proxy, if any, a call goes through. The JDK's own settings come first ({@code -Dhttps.proxyHost},
 * {@code -Dhttp.proxyHost} with {@code -Dhttp.nonProxyHosts}, through {@link ProxySelector#getDefault()}), then the
 * variables OpenAI's Python SDK and curl honour: {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http
 * ones (upper or lower case), minus the hosts in {@code NO_PROXY}. A proxy URL may carry {@code user:password@}:
 * they become a Basic {@code Proxy-Authorization} header, and never appear in a log, a message or
 * {@code toString()}. Immutable and thread-safe.
 */
public final class Proxies {

    /** No proxy from the environment; the JDK's settings still apply. */
    public static final Proxies NONE = new Proxies(null, null, List.of());

    private final Route https;
    private final Route http;
    private final List<String> noProxy;

    private Proxies(Route https, Route http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /**
     * Reads {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} (each also lower case) from {@code env}.
     *
     * @throws ConfigurationException naming the variable (never its value) when a proxy URL cannot be used
     */
    public static Proxies fromEnvironment(Environment env) {
        return new Proxies(parse(env, "HTTPS_PROXY", "https_proxy"), parse(env, "HTTP_PROXY", "http_proxy"),
                noProxy(env.first("NO_PROXY", "no_proxy")));
    }

    /** The proxy for {@code target}, or null to connect directly. */
    Route route(URI target) {
        Route fromJdk = fromJdk(target);
        if (fromJdk != null) {
            return fromJdk;
        }
        Route route = "https".equalsIgnoreCase(target.getScheme()) ? https : http;
        if (route == null || bypassed(target.getHost(), target.getPort())) {
            return null;
        }
        return route;
    }

    /**
     * These proxies as a {@link ProxySelector}, for the JDK's {@code HttpClient} (the opt-in transport). It knows
     * nothing of credentials: that client would take them only from an {@code Authenticator}.
     */
    ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                Route route = route(uri);
                return List.of(route == null ? Proxy.NO_PROXY
                        : new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(route.host(), route.port())));
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress address, java.io.IOException e) {
                // nothing to learn: the next call tries the same proxy
            }
        };
    }

    private static Route fromJdk(URI target) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return null;
        }
        List<Proxy> proxies;
        try {
            proxies = selector.select(target);
        } catch (RuntimeException e) {
            return null;
        }
        for (Proxy proxy : proxies) {
            if (proxy.type() == Proxy.Type.HTTP && proxy.address() instanceof InetSocketAddress address) {
                return new Route(address.getHostString(), address.getPort(), null);
            }
        }
        return null;
    }

    private boolean bypassed(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
                if (port != Integer.parseInt(entry.substring(colon + 1))) {
                    continue;
                }
                name = entry.substring(0, colon);
            }
            String domain = name.startsWith(".") ? name.substring(1) : name;
            if (h.equals(domain) || h.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> noProxy(String value) {
        List<String> entries = new ArrayList<>();
        if (value != null) {
            for (String entry : value.split(",")) {
                String e = entry.strip().toLowerCase(Locale.ROOT);
                if (e.startsWith("[") && e.endsWith("]")) {
                    e = e.substring(1, e.length() - 1);
                }
                if (!e.isEmpty()) {
                    entries.add(e);
                }
            }
        }
        return List.copyOf(entries);
    }

    private static Route parse(Environment env, String... names) {
        Environment.Found found = env.find(names);
        if (found == null || found.value() == null || found.value().isBlank()) {
            return null;
        }
        String value = found.value().strip();
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(found.name() + " is not a proxy URL; expected http://host:port or"
                    + " http://user:password@host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigurationException(found.name() + " must be an http:// proxy URL with a host (a proxy"
                    + " reached over TLS or SOCKS is not supported); expected http://host:port");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String credentials = null;
        if (uri.getRawUserInfo() != null) {
            String user = uri.getRawUserInfo();
            String decoded = URLDecoder.decode(user, StandardCharsets.UTF_8);
            credentials = "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
        }
        return new Route(uri.getHost(), port, credentials);
    }

    @Override
    public String toString() {
        return "Proxies[https=" + https + ", http=" + http + ", noProxy=" + noProxy + "]";
    }

    /**
     * One proxy: where to connect, and the {@code Proxy-Authorization} value to send, if any.
     *
     * @param host the proxy's host
     * @param port the proxy's port
     * @param authorization a Basic credentials header value, or null
     */
    record Route(String host, int port, String authorization) {

        /** The pool key part naming this proxy. */
        String authority() {
            return host + ":" + port;
        }

        /** Host and port; never the credentials. */
        @Override
        public String toString() {
            return authority() + (authorization == null ? "" : " (with credentials)");
        }
    }
}
