package ai.synth.lm.internal.route;

import ai.synth.lm.ApiException;
import ai.synth.lm.AuthenticationException;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.RateLimitException;
import ai.synth.lm.RequestTimeoutException;
import ai.synth.lm.SynthLMException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The exception a routed call ends with: the last failure's own type (so code that catches a provider's
 * exceptions works on a router unchanged), its message listing every deployment tried and why each failed, and
 * each attempt's failure attached as a suppressed exception.
 */
final class RouteFailures {

    private RouteFailures() {}

    /** One failed attempt. */
    record Tried(Member member, Throwable failure) {
        @Override
        public String toString() {
            return member + ": " + reason(failure);
        }
    }

    static Throwable compose(String group, List<Tried> tried, Throwable last) {
        if (tried.isEmpty() || !(last instanceof SynthLMException e)) {
            return last;
        }
        String message = "Model group '" + group + "' failed after " + tried.size() + " attempt"
                + (tried.size() == 1 ? "" : "s") + ": " + tried.stream().map(Tried::toString)
                .collect(Collectors.joining("; ")) + ". Last error: " + e.getMessage();
        SynthLMException out = rebuild(e, message, tried.size());
        for (Tried t : tried) {
            if (t.failure() != e && t.failure() != out) {
                out.addSuppressed(t.failure());
            }
        }
        return out;
    }

    private static SynthLMException rebuild(SynthLMException e, String message, int attempts) {
        if (e instanceof RateLimitException r) {
            return new RateLimitException(message, r.provider(), r.providerMessage(), r.requestId(), attempts,
                    r.errorCode().orElse(null), r.retryAfter().orElse(null));
        }
        if (e instanceof AuthenticationException a) {
            return new AuthenticationException(message, a.provider(), a.status(), a.providerMessage(),
                    a.requestId(), attempts, a.errorCode().orElse(null), a.retryAfter().orElse(null));
        }
        if (e instanceof ApiException a) {
            return new ApiException(message, a.provider(), a.status(), a.providerMessage(), a.requestId(), attempts,
                    a.errorCode().orElse(null), a.retryAfter().orElse(null));
        }
        if (e instanceof ConnectionException c) {
            return new ConnectionException(message, c, c.provider(), attempts);
        }
        if (e instanceof RequestTimeoutException t) {
            return new RequestTimeoutException(message, t, t.provider(), t.kind(), t.timeout(), attempts);
        }
        if (e instanceof InvalidResponseException i) {
            return new InvalidResponseException(message, i, i.provider(), i.status(), i.requestId(), attempts);
        }
        return e;
    }

    /** A short reason for one attempt's failure. */
    static String reason(Throwable failure) {
        if (failure instanceof ApiException a) {
            return "HTTP " + a.status() + (a.providerMessage() == null ? "" : " " + clip(a.providerMessage()))
                    + a.retryAfter().map(d -> " (retry after " + d.toMillis() + " ms)").orElse("");
        }
        if (failure instanceof RequestTimeoutException t) {
            return "timed out (" + t.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + " timeout of " + t.timeout().toMillis() + " ms)";
        }
        String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int colon = text.indexOf(": ");
        if (failure instanceof ConnectionException && colon > 0) {
            text = text.substring(colon + 2);
        }
        int end = text.indexOf(". ");
        return clip(end > 0 ? text.substring(0, end) : text);
    }

    private static String clip(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
