package ai.synth.lm.internal.http;

import java.io.IOException;

/**
 * A proxy answered a {@code CONNECT} with something other than 2xx, so no tunnel to the server exists and the request
 * never left. The message names the proxy, the target and what to fix; never the credentials.
 */
public final class ProxyRefusedException extends IOException {

    private final int status;

    ProxyRefusedException(Proxies.Route proxy, String target, int status) {
        super("the proxy " + proxy.authority() + " answered CONNECT " + target + " with HTTP " + status
                + advice(proxy, status));
        this.status = status;
    }

    /** The proxy's status code. */
    int status() {
        return status;
    }

    /** Whether trying again could help: not when the proxy wants credentials or forbids the target. */
    public boolean retryable() {
        return status != 407 && status != 401 && status != 403 && status != 405;
    }

    private static String advice(Proxies.Route proxy, int status) {
        if (status == 407 || status == 401) { // some proxies (tinyproxy) answer wrong credentials with 401
            return proxy.authorization() == null
                    ? " (Proxy Authentication Required): give the credentials in the proxy URL,"
                            + " HTTPS_PROXY=http://user:password@host:port"
                    : ": the proxy refused the credentials in the proxy URL (HTTPS_PROXY / HTTP_PROXY)";
        }
        if (status == 403) {
            return " (Forbidden): the proxy does not allow tunnels to this host or port; ask its administrator, or"
                    + " list the host in NO_PROXY if it can be reached directly";
        }
        return "";
    }
}
