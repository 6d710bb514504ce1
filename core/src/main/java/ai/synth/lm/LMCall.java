package ai.synth.lm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chat call as {@link LMListener}s see it: what was asked of whom, plus a place for a listener to keep its own
 * state for the call ({@link #attach}) and a way to add request headers ({@link #header}), e.g. a trace context.
 * Thread-safe.
 */
public final class LMCall {

    private static final AtomicLong IDS = new AtomicLong();
    // Looked up once per call by a tracing listener, by the lower-cased name (no copy for a name already lower case)
    private static final Set<String> RESERVED = Set.of("authorization", "content-type", "content-length", "host",
            "accept", "user-agent", "connection", "transfer-encoding", "expect", "upgrade");
    private static final Object[] NO_ATTACHMENTS = {};
    private static final String[] NO_HEADERS = {};

    private final long id = IDS.incrementAndGet();
    private final String provider;
    private final String deployment;
    private final String serverAddress;
    private final int serverPort;
    private final ChatCompletionRequest request;
    private final boolean stream;
    private final long startNanos = System.nanoTime();
    // A listener or two attach a value at the start and drop it at the end, and read it once or twice: pairs of key
    // and value in an array copied on each change cost a call far less than a map made for every call
    private volatile Object[] attachments = NO_ATTACHMENTS;
    // Names and values, in pairs. Guarded by this, as is sent.
    private String[] headers = NO_HEADERS;
    private boolean sent;

    /**
     * A call about to start; the library makes these, and tests of a listener may too.
     *
     * @param provider the provider name
     * @param deployment the router deployment's id, or null
     * @param serverAddress the host called
     * @param serverPort the port called
     * @param request the request
     * @param stream whether the answer is streamed
     */
    public LMCall(String provider, String deployment, String serverAddress, int serverPort, ChatCompletionRequest request,
            boolean stream) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.deployment = deployment;
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
        this.request = Objects.requireNonNull(request, "request");
        this.stream = stream;
    }

    /** A number unique to this call within the JVM. */
    public long id() {
        return id;
    }

    /** Always {@code chat}. */
    public String operation() {
        return "chat";
    }

    /** The provider: {@code synth} or {@code openai}. */
    public String provider() {
        return provider;
    }

    /** The router deployment's id, or null for a provider used on its own. */
    public String deployment() {
        return deployment;
    }

    /** The model asked for. */
    public String model() {
        return request.model();
    }

    /** The request as sent. Its messages are the prompt: keep them out of telemetry unless asked for. */
    public ChatCompletionRequest request() {
        return request;
    }

    /** Whether the answer is streamed. */
    public boolean stream() {
        return stream;
    }

    /** The host the call goes to. */
    public String serverAddress() {
        return serverAddress;
    }

    /** The port the call goes to. */
    public int serverPort() {
        return serverPort;
    }

    /** When the call started, on {@link System#nanoTime()}'s scale. */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Adds a header to the call's requests (every attempt); effective only while {@link LMListener#callStarted} runs.
     *
     * @throws IllegalArgumentException if the name is not a valid header name or is one the library sets itself
     *     (Authorization, Content-Type, Host, ...)
     * @throws IllegalStateException if the request was already sent
     */
    public void header(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (!token(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a valid HTTP header name");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("The header " + name + " is set by synth-lm itself; pick another name");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("The value of header " + name + " must not contain line breaks");
        }
        synchronized (this) {
            if (sent) {
                throw new IllegalStateException(
                        "Headers can be added only from LMListener.callStarted, before sending");
            }
            headers = with(headers, name, value);
        }
    }

    /** Whether {@code name} is an HTTP token: visible ASCII without separators. */
    private static boolean token(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Keeps {@code value} under {@code key} for the length of this call; null removes it. */
    public void attach(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        synchronized (this) {
            Object[] now = attachments;
            int at = indexOf(now, key);
            if (value != null) {
                attachments = with(now, key, value);
            } else if (at >= 0) {
                Object[] less = Arrays.copyOf(now, now.length - 2);
                System.arraycopy(now, at + 2, less, at, now.length - at - 2);
                attachments = less.length == 0 ? NO_ATTACHMENTS : less;
            }
        }
    }

    /** What was kept under {@code key}, or null. */
    public Object attachment(Object key) {
        Object[] now = attachments;
        int at = indexOf(now, key);
        return at < 0 ? null : now[at + 1];
    }

    /** The headers listeners added. Once read, as the request is sent, no more can be added. */
    public Map<String, String> headers() {
        String[] added;
        synchronized (this) {
            sent = true;
            added = headers;
        }
        if (added.length == 0) {
            return Map.of();
        }
        if (added.length == 2) {
            return Map.of(added[0], added[1]);
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < added.length; i += 2) {
            map.put(added[i], added[i + 1]);
        }
        return Map.copyOf(map);
    }

    /** The index of {@code key} among the keys (even indexes) of {@code pairs}, or -1. */
    private static int indexOf(Object[] pairs, Object key) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of {@code pairs} with {@code value} under {@code key}, replacing the key's value if it has one. */
    private static <T> T[] with(T[] pairs, T key, T value) {
        int at = indexOf(pairs, key);
        T[] more = Arrays.copyOf(pairs, at >= 0 ? pairs.length : pairs.length + 2);
        if (at < 0) {
            at = pairs.length;
            more[at] = key;
        }
        more[at + 1] = value;
        return more;
    }

    @Override
    public String toString() {
        return "LMCall[" + id + ", " + provider + (deployment != null ? "/" + deployment : "") + ", " + model()
                + (stream ? ", stream]" : "]");
    }
}
