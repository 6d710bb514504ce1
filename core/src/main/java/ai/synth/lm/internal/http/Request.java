package ai.synth.lm.internal.http;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as a transport takes it: method, URI, header fields and the whole body as bytes (null for none).
 * The body is never copied: whoever makes a request hands its array over. {@link #toString()} shows neither header
 * values (the API key is one) nor the body.
 *
 * @param method the method, such as {@code POST}
 * @param uri where it goes
 * @param headers the fields to send; a transport adds {@code Host} and {@code Content-Length} itself
 * @param body the body, or null for none
 */
public record Request(String method, URI uri, Headers headers, byte[] body) {

    /** Checks that the method, URI and headers are there. */
    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
    }

    /** This request with {@code added} after its own header fields; this one itself when there are none. */
    public Request withHeaders(Map<String, String> added) {
        if (added.isEmpty()) {
            return this;
        }
        Headers more = headers;
        for (Map.Entry<String, String> field : added.entrySet()) {
            more = more.with(field.getKey(), field.getValue());
        }
        return new Request(method, uri, more, body);
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + headers + (body == null ? "" : " (" + body.length + " bytes)");
    }
}
