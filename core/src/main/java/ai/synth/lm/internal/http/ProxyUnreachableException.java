package ai.synth.lm.internal.http;

import java.net.ConnectException;

/** The connection to the proxy itself failed: the proxy settings, not the base URL, need a look. */
public final class ProxyUnreachableException extends ConnectException {

    ProxyUnreachableException(Proxies.Route proxy, Exception cause) {
        super("could not connect to the proxy " + proxy.authority() + " (" + cause.getMessage() + "); check"
                + " HTTPS_PROXY / HTTP_PROXY, or -Dhttps.proxyHost / -Dhttp.proxyHost, and that the proxy is running");
        initCause(cause);
    }
}
