package ai.synth.lm.testserver;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the {@link LocalBackend} received it, for assertions in tests.
 *
 * <p>Every request that could be parsed is recorded, including those answered with a fault, a 401 or a 404.
 * Instances are immutable and thread-safe.
 */
public final class RecordedRequest {

    private final long sequence;
    private final String method;
    private final String path;
    private final String decodedPath;
    private final Map<String, List<String>> headers;
    private final byte[] body; // null when not kept
    private final int bodySize;

    RecordedRequest(long sequence, HttpRequest request, boolean keepBody) {
        this.sequence = sequence;
        this.method = request.method();
        this.path = request.target();
        this.decodedPath = request.path();
        Map<String, List<String>> copy = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = keepBody ? request.body().clone() : null;
        this.bodySize = request.body().length;
    }

    /**
     * Returns the request's number: 1 for the first request the backend received, then 2, and so on.
     * The same number appears in the response's {@code x-request-id} header ({@code req_local_<n>}).
     *
     * @return the sequence number
     */
    public long sequence() {
        return sequence;
    }

    /** @return the HTTP method as sent, e.g. {@code POST} */
    public String method() {
        return method;
    }

    /**
     * Returns the request target as sent, e.g. {@code /v1/chat/completions} or
     * {@code /warmup/Qwen%2FQwen2.5-7B-Instruct}: not URL-decoded, with any query string.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * Returns all headers by lower-case name, each with its values in the order received.
     *
     * @return an unmodifiable map that keeps the order in which the names first arrived
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, in any case
     * @return the first value, or null if the request did not have that header
     */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Whether the path as sent, or URL-decoded and without query, starts with the prefix. */
    boolean pathStartsWith(String prefix) {
        return path.startsWith(prefix) || decodedPath.startsWith(prefix);
    }

    /**
     * Returns the body decoded as UTF-8.
     *
     * @return the body; empty if the request had none
     * @throws IllegalStateException if the backend was built with {@code recordBodies(false)}
     */
    public String body() {
        return new String(keptBody(), StandardCharsets.UTF_8);
    }

    /**
     * Returns the size of the body as received, kept even when the body is not.
     *
     * @return the number of bytes; 0 if the request had no body
     */
    public int bodySize() {
        return bodySize;
    }

    /**
     * Parses the body as a JSON object into plain Java values: {@code Map<String, Object>} for objects (in
     * field order), {@code List<Object>} for arrays, {@code String}, {@code Integer}/{@code Long}/
     * {@code BigInteger}, {@code Double}, {@code Boolean} and null.
     *
     * @return a new map for each call
     * @throws IllegalStateException if the body is not a JSON object, or the backend was built with
     *     {@code recordBodies(false)}
     */
    public Map<String, Object> bodyJson() {
        return Json.toMap(keptBody());
    }

    private byte[] keptBody() {
        if (body == null) {
            throw new IllegalStateException("request " + sequence + " was recorded without its body: the backend "
                    + "was built with recordBodies(false); build it with recordBodies(true) to read bodies");
        }
        return body;
    }

    /** @return e.g. {@code POST /v1/chat/completions (412 bytes)} */
    @Override
    public String toString() {
        return method + " " + path + " (" + bodySize + " bytes)";
    }
}
