package ai.synth.lm.internal.http;

import java.util.Locale;

/**
 * How the caller wants a response's body. A streaming mode applies to a 2xx response that is not JSON (an event
 * stream); every other body (an error, or a backend that answered JSON instead of streaming) is read whole, so that
 * the caller can describe it.
 */
public enum BodyMode {
    /** The whole body as bytes, up to the provider's size limit. */
    WHOLE,
    /** An event stream as an {@code InputStream} the caller reads on its own thread (the synchronous face). */
    STREAM,
    /** An event stream as a {@code Flow.Publisher} of byte buffers (the asynchronous face). */
    PUBLISHER;

    /** Whether a response with {@code status} and {@code headers} is handed over live rather than read whole. */
    public boolean live(int status, Headers headers) {
        if (this == WHOLE || status / 100 != 2) {
            return false;
        }
        return !headers.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT).startsWith("application/json");
    }
}
