package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonValueIO;

import ai.synth.lm.internal.http.Headers;
import ai.synth.lm.internal.http.Response;

import ai.synth.lm.internal.http.LimitedBody;
import ai.synth.lm.internal.http.ProxyRefusedException;
import ai.synth.lm.internal.http.ProxyUnreachableException;
import ai.synth.lm.ApiException;
import ai.synth.lm.AuthenticationException;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.RateLimitException;
import ai.synth.lm.RequestTimeoutException;
import ai.synth.lm.SynthLMException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Turns failed attempts into the typed exceptions users see, with messages they can act on. */
final class Failures {

    private final ProviderSettings s;

    Failures(ProviderSettings settings) {
        this.s = settings;
    }

    /** The exception for an error status (or an error body on 200). */
    ApiException status(Response response, byte[] body, int attempts) {
        int status = response.status();
        String message = scrub(providerMessage(response.headers(), body));
        String requestId = response.headers().firstValue("x-request-id").orElse(null);
        String code = errorCode(body);
        java.time.Duration retryAfter = new RetryPolicy(0, s.clock()).serverWait(response.headers());
        String tail = (message == null ? "" : ": " + message)
                + (requestId == null ? "" : " (request id " + requestId + ")");
        if (status == 401) {
            return new AuthenticationException(s.provider() + " rejected the API key (HTTP 401)" + tail + ". "
                    + s.advice().key() + ".", s.provider(), status, message, requestId, attempts, code, retryAfter);
        }
        if (status == 403) {
            return new AuthenticationException(s.provider() + " refused the request (HTTP 403)" + tail + ". "
                    + s.advice().key() + " and that the key may use this model.", s.provider(), status, message,
                    requestId, attempts, code, retryAfter);
        }
        if (status == 429) {
            return new RateLimitException(s.provider() + " rate limit (HTTP 429) still in place after "
                    + plural(attempts, "attempt") + tail + ". The client retries with exponential backoff; "
                    + s.advice().retries() + " to wait longer.", s.provider(), message, requestId, attempts, code, retryAfter);
        }
        String hint = (status == 502 || status == 503 || status == 504) && s.warmupBase() != null
                ? " The model may be cold: warm it up first with provider.warmup(model)." : "";
        return new ApiException(s.provider() + " answered HTTP " + status + " after " + plural(attempts, "attempt")
                + tail + "." + hint, s.provider(), status, message, requestId, attempts, code, retryAfter);
    }

    /** The exception for an attempt that got no response. */
    SynthLMException noResponse(Throwable cause, int attempts) {
        if (cause instanceof SynthLMException e) {
            return e;
        }
        if (cause instanceof LimitedBody.TooLarge tooLarge) {
            return new ai.synth.lm.InvalidResponseException(s.provider() + " sent a response larger than the limit of "
                    + tooLarge.limit + " bytes; raise it with the config's maxResponseSize(...) if that is expected",
                    null, s.provider(), 0, null, attempts);
        }
        if (cause instanceof ResponseTimeout) {
            return new RequestTimeoutException(s.provider() + " did not answer within " + seconds(s.timeout())
                    + " (attempt " + attempts + " of " + (s.maxRetries() + 1) + "). " + s.advice().timeout() + ".",
                    null, s.provider(), RequestTimeoutException.Kind.RESPONSE, s.timeout(), attempts);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new RequestTimeoutException("Could not connect to " + s.provider() + " at " + s.apiBase()
                    + " within " + seconds(s.connectTimeout()) + " (connect timeout) after "
                    + plural(attempts, "attempt") + ". " + s.advice().baseUrl() + " and the network.", cause,
                    s.provider(), RequestTimeoutException.Kind.CONNECT, s.connectTimeout(), attempts);
        }
        String tls = tlsProblem(cause);
        if (tls != null) {
            return new ConnectionException("Could not open a trusted TLS connection to " + s.provider() + " at "
                    + s.apiBase() + ": " + tls, cause, s.provider(), attempts);
        }
        if (cause instanceof ProxyRefusedException refused) {
            return new ConnectionException("Could not reach " + s.provider() + " at " + s.apiBase() + " after "
                    + plural(attempts, "attempt") + ": " + refused.getMessage() + ".", cause, s.provider(), attempts);
        }
        String reason = isUnresolved(cause) ? "unknown host " + java.net.URI.create(s.apiBase()).getHost()
                : cause instanceof ProxyUnreachableException ? cause.getMessage()
                : cause instanceof ConnectException ? "connection refused"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : scrub(cause.getMessage());
        if (connected(cause)) {
            return new ConnectionException("The connection to " + s.provider() + " at " + s.apiBase() + " failed"
                    + " after " + plural(attempts, "attempt") + ": " + reason + ". The server took the connection, so"
                    + " the URL is right; it, or a proxy in between, ended the exchange before the whole response"
                    + " arrived. If that persists, " + s.advice().retries() + ".", cause, s.provider(), attempts);
        }
        return new ConnectionException("Could not reach " + s.provider() + " at " + s.apiBase() + " after "
                + plural(attempts, "attempt") + ": " + reason + ". " + s.advice().baseUrl()
                + " and that the server is running.", cause, s.provider(), attempts);
    }

    /**
     * Whether the failure came after a connection was made: not a name that did not resolve, a refused or timed out
     * connect, or a failed TLS handshake, each of which a wrong URL can cause.
     */
    private static boolean connected(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.NoRouteToHostException || t instanceof javax.net.ssl.SSLException
                    || t instanceof HttpConnectTimeoutException) {
                return false;
            }
        }
        return cause instanceof IOException;
    }

    /** The JDK client reports a name that does not resolve as a ConnectException caused by UnresolvedAddressException. */
    private static boolean isUnresolved(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure without a response may be retried: not a certificate the client refused, which stays. */
    static boolean isRetryable(Throwable cause) {
        if (cause instanceof ProxyRefusedException refused) {
            return refused.retryable();
        }
        return (cause instanceof IOException || cause instanceof ResponseTimeout) && tlsProblem(cause) == null;
    }

    /**
     * What to fix when the TLS handshake failed over the server's certificate (not trusted, or not for this host),
     * or null for any other failure. Such a failure does not go away by retrying.
     */
    static String tlsProblem(Throwable cause) {
        if (!(cause instanceof SSLHandshakeException)) {
            return null;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof CertificateException && message.contains("No subject alternative")
                    || message.contains("No name matching")) {
                return "the server's certificate is not valid for this host name (" + message + "). Use the host"
                        + " name the certificate names in the base URL, or fix the server's certificate.";
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "the server's certificate is not trusted (" + message + "). If the server uses a private or"
                        + " self-signed certificate, trust its CA: set sslContext(...) on the config, or add it to the"
                        + " JDK trust store (-Djavax.net.ssl.trustStore=...).";
            }
        }
        return null;
    }

    /** The provider's own error message from an error body, or a short description of a body that has none. */
    static String providerMessage(Headers headers, byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            Object json = JsonValueIO.parse(body);
            String message = messageOf(json);
            if (message != null) {
                return message;
            }
        } catch (IOException | RuntimeException notJson) {
            // described below
        }
        String contentType = headers.firstValue("content-type").orElse("");
        if (contentType.contains("html")) {
            return "an HTML page instead of JSON (" + body.length + " bytes), probably from a proxy or gateway";
        }
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip()
                .replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The {@code error.code} of an OpenAI-style error body, when it is a string, else null. */
    static String errorCode(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            if (JsonValueIO.parse(body) instanceof Map<?, ?> map && map.get("error") instanceof Map<?, ?> error
                    && error.get("code") instanceof String code) {
                return code;
            }
        } catch (IOException | RuntimeException notJson) {
            // no code
        }
        return null;
    }

    /** The message of an error object: {@code {"error":{"message":..}}}, {@code {"error":".."}}, {@code detail}... */
    static String messageOf(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            return null;
        }
        Object error = map.get("error");
        if (error instanceof Map<?, ?> inner && inner.get("message") instanceof String m) {
            return m;
        }
        if (error instanceof String m) {
            return m;
        }
        if (map.get("message") instanceof String m) {
            return m;
        }
        Object detail = map.get("detail");
        if (detail instanceof String m) {
            return m;
        }
        if (detail instanceof List<?> || detail instanceof Map<?, ?>) {
            return JsonValueIO.toJson(detail);
        }
        return null;
    }

    /** Text without the API key. Keys under 8 characters are test placeholders, too short to find safely. */
    String scrub(String text) {
        return quotesKey(text) ? text.replace(s.apiKey(), "****") : text;
    }

    /**
     * The cause to attach to an exception, or null when a message in its chain quotes the key: a JSON parser
     * quotes the bad token, which may be an echoed key, and a logged stack trace shows every cause.
     */
    Throwable keyFreeCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (quotesKey(t.getMessage())) {
                return null;
            }
        }
        return cause;
    }

    private boolean quotesKey(String text) {
        return text != null && s.apiKey().length() >= 8 && text.contains(s.apiKey());
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    /** The whole response did not arrive within the per-attempt timeout. */
    static final class ResponseTimeout extends RuntimeException {
        ResponseTimeout() {
            super("response timeout", null, false, false);
        }
    }
}
