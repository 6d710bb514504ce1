package ai.synth.lm.internal.route;

import ai.synth.lm.ApiException;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.RequestTimeoutException;
import java.util.Locale;

/** What a failed attempt means for the router: retry elsewhere, cool the deployment down, fall back, or stop. */
enum FailureKind {
    /** 429, 401, 404, 408, 5xx, refused connection, timeout: retry elsewhere and count towards a cooldown. */
    COOLING,
    /** Worth another try (409, malformed response), but says nothing about the deployment's health. */
    RETRY,
    /** The prompt is too long for the model: go to the context-window fallbacks. */
    CONTEXT_WINDOW,
    /** The provider's content policy refused the request: go to the content-policy fallbacks. */
    CONTENT_POLICY,
    /** A plain bad request (or anything unexpected): fail at once, no retry, no cooldown, no fallback. */
    FATAL;

    static FailureKind of(Throwable e) {
        if (e instanceof ConnectionException || e instanceof RequestTimeoutException) {
            return COOLING;
        }
        if (e instanceof InvalidResponseException) {
            return RETRY;
        }
        if (!(e instanceof ApiException api)) {
            return FATAL;
        }
        int status = api.status();
        if (status == 429 || status == 401 || status == 404 || status == 408 || status >= 500) {
            return COOLING;
        }
        if (status == 409) {
            return RETRY;
        }
        if (status == 400 || status == 422) {
            String code = api.errorCode().orElse("").toLowerCase(Locale.ROOT);
            String message = api.providerMessage() == null ? "" : api.providerMessage().toLowerCase(Locale.ROOT);
            if (code.contains("context_length") || message.contains("context length")
                    || message.contains("context window") || message.contains("maximum context")
                    || message.contains("prompt is too long")) {
                return CONTEXT_WINDOW;
            }
            if (code.contains("content_policy") || code.contains("content_filter")
                    || message.contains("content policy") || message.contains("content management policy")) {
                return CONTENT_POLICY;
            }
        }
        return FATAL;
    }
}
