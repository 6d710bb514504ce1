package ai.synth.lm;

import ai.synth.lm.internal.http.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A parsed answer together with the HTTP response it came in: the status, the header fields (such as
 * {@code x-request-id} for a support ticket, or a backend's rate-limit headers) and the body exactly as the server
 * sent it. What {@link UnifiedLMProvider#createChatCompletionRaw} returns.
 *
 * <pre>{@code
 * RawResponse<ChatCompletion> raw = provider.createChatCompletionRaw(request);
 * System.out.println(raw.requestId().orElse("-") + " " + raw.parsed().content());
 * raw.header("x-ratelimit-remaining-requests").ifPresent(System.out::println);
 * }</pre>
 *
 * <p>A provider that does not itself speak HTTP (a test double, a wrapper without the default implementation
 * overridden) answers with status 200, no header fields and an empty body. Immutable and thread-safe; its
 * {@link #toString()} shows the status, the request id and the body's size, no other header value and never the body.
 *
 * @param <T> the type of the parsed answer
 */
public final class RawResponse<T> {

    private final T parsed;
    private final int statusCode;
    private final Headers headers;
    private final byte[] body;

    RawResponse(T parsed, int statusCode, Headers headers, byte[] body) {
        this.parsed = Objects.requireNonNull(parsed, "parsed");
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("statusCode must be an HTTP status (100 to 999); got " + statusCode);
        }
        this.statusCode = statusCode;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body == null ? new byte[0] : body;
    }

    /**
     * A response made by hand, e.g. by a test double: the header map and the body are copied.
     *
     * @param parsed the parsed answer; not null
     * @param statusCode the HTTP status, 100 to 999
     * @param headers the header fields, names in any case; not null
     * @param body the body as sent, or null for none
     */
    public static <T> RawResponse<T> of(T parsed, int statusCode, Map<String, List<String>> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        return new RawResponse<>(parsed, statusCode, Headers.of(headers), body == null ? null : body.clone());
    }

    /** The answer of a provider that does not speak HTTP itself: status 200, no header fields, an empty body. */
    public static <T> RawResponse<T> withoutHttp(T parsed) {
        return new RawResponse<>(parsed, 200, Headers.EMPTY, null);
    }

    /** The parsed answer; never null. */
    public T parsed() {
        return parsed;
    }

    /** The HTTP status of the response. */
    public int statusCode() {
        return statusCode;
    }

    /** The first value of header field {@code name} (compared without regard to case), if the response had it. */
    public Optional<String> header(String name) {
        return headers.firstValue(Objects.requireNonNull(name, "name"));
    }

    /** The backend's id of this request ({@code x-request-id}), which its support asks for, if it sent one. */
    public Optional<String> requestId() {
        return headers.firstValue("x-request-id");
    }

    /**
     * Every header field, by lower-case name, values in the order they came. Made anew on each call (a lookup by
     * {@link #header} is cheaper).
     */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> map = new TreeMap<>();
        for (int i = 0; i < headers.size(); i++) {
            map.computeIfAbsent(headers.name(i).toLowerCase(Locale.ROOT), n -> new ArrayList<>(1))
                    .add(headers.value(i));
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(map);
    }

    /** The body as the server sent it, in a new array; empty when the provider did not speak HTTP. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as the server sent it, read-only and without a copy; empty when the provider did not speak HTTP. */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** This response with its parsed answer replaced, e.g. read further into a Java type. */
    public <U> RawResponse<U> withParsed(U other) {
        return new RawResponse<>(other, statusCode, headers, body);
    }

    @Override
    public String toString() {
        return "RawResponse[status=" + statusCode + ", requestId=" + requestId().orElse("none") + ", bodyBytes="
                + body.length + "]";
    }
}
