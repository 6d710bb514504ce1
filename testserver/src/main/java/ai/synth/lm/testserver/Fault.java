package ai.synth.lm.testserver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted misbehaviour of the {@link LocalBackend} for one request: an error status, a slow or broken
 * response, or a broken event stream.
 *
 * <p>Queue a fault with {@link LocalBackend#enqueue(Fault)} (next chat-completions request) or
 * {@link LocalBackend#enqueueFor(String, Fault)} (next request whose path starts with a prefix); each queued
 * fault is used once. Stream faults ({@code stream...} and {@link #replay(byte[])}) are taken only by
 * streaming chat requests ({@code "stream": true}); the others by any matching request.
 *
 * <pre>{@code
 * backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
 * backend.enqueue(Fault.status(500).withHeader("x-should-retry", "false"));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; {@link #withHeader(String, String)} returns a copy.
 */
public final class Fault {

    /** What a fault does; the order matters: every kind from {@code REPLAY} on is a stream fault. */
    enum Kind {
        STATUS, SLOW_HEADERS, DISCONNECT_BEFORE_HEADERS, DISCONNECT_AFTER_HEADERS, DISCONNECT_MID_BODY, BODY_STALL,
        MALFORMED_JSON, BODY, REPLAY, STREAM_STALL, STREAM_DISCONNECT, STREAM_ERROR_EVENT, STREAM_MALFORMED_CHUNK, STREAM_NO_DONE;

        boolean streaming() {
            return compareTo(REPLAY) >= 0;
        }
    }

    private final Kind kind;
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Duration delay;
    private final int count;
    private final List<Map.Entry<String, String>> headers;

    private Fault(Kind kind, int status, String contentType, byte[] body, Duration delay, int count,
                  List<Map.Entry<String, String>> headers) {
        this.kind = kind;
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.delay = delay;
        this.count = count;
        this.headers = List.copyOf(headers);
    }

    private static Fault of(Kind kind) {
        return new Fault(kind, 200, null, null, Duration.ZERO, 0, List.of());
    }

    /**
     * Answers {@code 429 Too Many Requests} with an OpenAI-style error body and no {@code Retry-After} header.
     *
     * @return the fault
     */
    public static Fault rateLimited() {
        return status(429);
    }

    /**
     * Answers {@code 429 Too Many Requests} with an OpenAI-style error body and a {@code Retry-After} header
     * of {@code retryAfter} in whole seconds, rounded up (so 1500 ms gives {@code Retry-After: 2}).
     *
     * @param retryAfter the wait to ask for; not negative
     * @return the fault
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public static Fault rateLimited(Duration retryAfter) {
        Pause.requireNotNegative(retryAfter, "retryAfter");
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return rateLimited().withHeader("Retry-After", Long.toString(seconds));
    }

    /**
     * Answers with the given status and an OpenAI-style error body
     * ({@code {"error":{"message":...,"type":...,"param":null,"code":...}}}).
     *
     * @param status an HTTP status from 200 to 599
     * @return the fault
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static Fault status(int status) {
        return new Fault(Kind.STATUS, requireStatus(status), null, null, Duration.ZERO, 0, List.of());
    }

    /**
     * Waits {@code delay} (real time) before answering the request normally.
     *
     * @param delay how long to hold back the status line; not negative
     * @return the fault
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Fault slowHeaders(Duration delay) {
        Pause.requireNotNegative(delay, "delay");
        return new Fault(Kind.SLOW_HEADERS, 200, null, null, delay, 0, List.of());
    }

    /**
     * Reads the request, then closes the connection without sending a byte.
     *
     * <p>Note: the JDK {@code HttpClient} silently retries an idempotent request such as a {@code GET} once
     * when this happens, so it sees such a fault only when it is queued twice; a {@code POST} fails at once.
     *
     * @return the fault
     */
    public static Fault disconnectBeforeHeaders() {
        return of(Kind.DISCONNECT_BEFORE_HEADERS);
    }

    /**
     * Sends a {@code 200} status line and headers announcing a JSON body ({@code Content-Length} of a full
     * body), then closes the connection without sending the body.
     *
     * @return the fault
     */
    public static Fault disconnectAfterHeaders() {
        return of(Kind.DISCONNECT_AFTER_HEADERS);
    }

    /**
     * Sends a {@code 200} status line and headers announcing a JSON body ({@code Content-Length} of a full
     * body), then the first part of the body, then closes the connection without sending the rest.
     *
     * @return the fault
     */
    public static Fault disconnectMidBody() {
        return of(Kind.DISCONNECT_MID_BODY);
    }

    /**
     * Sends a {@code 200} status line and headers announcing a JSON body ({@code Content-Length} of a full
     * body) and the first part of the body, then sends nothing more but keeps the connection open until the
     * client disconnects or the backend is closed: a non-streamed response whose body stalls.
     *
     * @return the fault
     */
    public static Fault bodyStall() {
        return of(Kind.BODY_STALL);
    }

    /**
     * Answers {@code 200} with an {@code application/json} body that is truncated, unparseable JSON.
     *
     * @return the fault
     */
    public static Fault malformedJson() {
        return of(Kind.MALFORMED_JSON);
    }

    /**
     * Answers with any raw response.
     *
     * @param status an HTTP status from 200 to 599
     * @param contentType the {@code Content-Type} header value; not null
     * @param body the body, sent as UTF-8; not null
     * @return the fault
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static Fault body(int status, String contentType, String body) {
        Objects.requireNonNull(contentType, "contentType");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Fault(Kind.BODY, requireStatus(status), contentType, bytes, Duration.ZERO, 0, List.of());
    }

    /**
     * For a streaming request: sends the first two events, then sends nothing more but keeps the connection
     * open until the client disconnects or the backend is closed.
     *
     * @return the fault
     */
    public static Fault streamStall() {
        return of(Kind.STREAM_STALL);
    }

    /**
     * For a streaming request: sends {@code afterChunks} events, then closes the connection abruptly (no
     * terminating chunk).
     *
     * @param afterChunks how many {@code data:} events to send first; not negative
     * @return the fault
     * @throws IllegalArgumentException if {@code afterChunks} is negative
     */
    public static Fault streamDisconnect(int afterChunks) {
        if (afterChunks < 0) {
            throw new IllegalArgumentException("afterChunks must not be negative, was " + afterChunks);
        }
        return new Fault(Kind.STREAM_DISCONNECT, 200, null, null, Duration.ZERO, afterChunks, List.of());
    }

    /**
     * For a streaming request: sends the first event, then
     * {@code event: error} with {@code data: {"error":{"message":message,"type":"server_error"}}}, then ends
     * the response (no {@code [DONE]}).
     *
     * @param message the error message; not null
     * @return the fault
     */
    public static Fault streamErrorEvent(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return new Fault(Kind.STREAM_ERROR_EVENT, 200, null, bytes, Duration.ZERO, 0, List.of());
    }

    /**
     * For a streaming request: sends the first event, then a truncated event <code>data: &#123;"id": </code>, then ends
     * the response.
     *
     * @return the fault
     */
    public static Fault streamMalformedChunk() {
        return of(Kind.STREAM_MALFORMED_CHUNK);
    }

    /**
     * For a streaming request: sends every event except {@code data: [DONE]}, ends the response and closes
     * the connection.
     *
     * @return the fault
     */
    public static Fault streamNoDone() {
        return of(Kind.STREAM_NO_DONE);
    }

    /**
     * For a streaming request: answers {@code 200 text/event-stream} with exactly these bytes as the body,
     * for example an SSE capture from a real provider.
     *
     * @param rawResponseBody the body; not null; copied
     * @return the fault
     */
    public static Fault replay(byte[] rawResponseBody) {
        byte[] copy = rawResponseBody.clone();
        return new Fault(Kind.REPLAY, 200, "text/event-stream", copy, Duration.ZERO, 0, List.of());
    }

    /**
     * Returns a copy of this fault that also sends the given response header (added to any already set).
     *
     * @param name the header name; an HTTP token
     * @param value the header value; no line breaks
     * @return a new fault
     * @throws IllegalArgumentException if the name or value cannot be sent as a header
     */
    public Fault withHeader(String name, String value) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new IllegalArgumentException("not a valid header name: '" + name + "'");
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("header value must not contain line breaks: '" + value + "'");
        }
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Fault(kind, status, contentType, body, delay, count, more);
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    byte[] body() {
        return body == null ? null : body.clone();
    }

    String message() {
        return new String(body, StandardCharsets.UTF_8);
    }

    Duration delay() {
        return delay;
    }

    int count() {
        return count;
    }

    List<Map.Entry<String, String>> headers() {
        return headers;
    }

    private static int requireStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be from 200 to 599, was " + status);
        }
        return status;
    }

    /**
     * Compares kind, status, content type, body, delay, count and headers.
     *
     * @param other the object to compare with
     * @return whether {@code other} is an equal fault
     */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Fault)) {
            return false;
        }
        Fault that = (Fault) other;
        return kind == that.kind && status == that.status && count == that.count
                && Objects.equals(contentType, that.contentType) && Arrays.equals(body, that.body)
                && delay.equals(that.delay) && headers.equals(that.headers);
    }

    /** @return a hash code consistent with {@link #equals(Object)} */
    @Override
    public int hashCode() {
        return Objects.hash(kind, status, contentType, Arrays.hashCode(body), delay, count, headers);
    }

    /** @return a short description such as {@code Fault[status 429, headers [Retry-After=1]]} */
    @Override
    public String toString() {
        String what = kind == Kind.STATUS || kind == Kind.BODY ? "status " + status
                : kind.name().toLowerCase(Locale.ROOT);
        if (kind == Kind.SLOW_HEADERS || kind == Kind.STREAM_DISCONNECT) {
            what += " " + (kind == Kind.SLOW_HEADERS ? delay : count);
        }
        return "Fault[" + what + (headers.isEmpty() ? "" : ", headers " + headers) + "]";
    }
}
