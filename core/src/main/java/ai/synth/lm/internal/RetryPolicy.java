package ai.synth.lm.internal;

import ai.synth.lm.internal.http.Headers;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to retry and how long to wait, following the contract of OpenAI's own SDKs: retry connection failures,
 * timeouts and statuses 408, 409, 429 and 5xx; {@code x-should-retry} overrides the status; wait what the server
 * asks ({@code retry-after-ms}, then {@code retry-after} as seconds or an HTTP date) when that is more than 0 and
 * at most 60 seconds; otherwise back off exponentially from 0.5 seconds, doubling, capped at 8 seconds, less up to
 * 25% jitter.
 */
public final class RetryPolicy {

    static final Duration INITIAL = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    static final Duration MAX_SERVER_WAIT = Duration.ofSeconds(60);

    private final int maxRetries;
    private final Clock clock;
    private final DoubleSupplier random;

    /** A policy with random jitter. */
    public RetryPolicy(int maxRetries, Clock clock) {
        this(maxRetries, clock, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A policy with the given source of jitter in [0, 1). */
    public RetryPolicy(int maxRetries, Clock clock, DoubleSupplier random) {
        this.maxRetries = maxRetries;
        this.clock = clock;
        this.random = random;
    }

    /** Retries allowed after the first attempt. */
    public int maxRetries() {
        return maxRetries;
    }

    /** Whether a response with this status and headers should be retried, ignoring the retry budget. */
    public static boolean isRetryable(int status, Headers headers) {
        Optional<String> override = headers.firstValue("x-should-retry");
        if (override.isPresent()) {
            if (override.get().equalsIgnoreCase("true")) {
                return true;
            }
            if (override.get().equalsIgnoreCase("false")) {
                return false;
            }
        }
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry).
     *
     * @param headers the failed response's headers, or null after a connection failure or timeout
     */
    public Duration delay(int retry, Headers headers) {
        Duration asked = headers == null ? null : serverWait(headers);
        if (asked != null) {
            return asked;
        }
        double seconds = Math.min(INITIAL.toMillis() / 1000.0 * Math.pow(2, retry - 1), MAX_BACKOFF.toSeconds());
        double jitter = 1 - 0.25 * random.getAsDouble();
        return Duration.ofNanos((long) (seconds * jitter * 1e9));
    }

    /** The wait the server asked for, when it is more than 0 and at most 60 seconds. */
    Duration serverWait(Headers headers) {
        Duration wait = headers.firstValue("retry-after-ms").map(RetryPolicy::millis).orElse(null);
        if (wait == null) {
            wait = headers.firstValue("retry-after").map(this::secondsOrDate).orElse(null);
        }
        if (wait == null || wait.isNegative() || wait.isZero() || wait.compareTo(MAX_SERVER_WAIT) > 0) {
            return null;
        }
        return wait;
    }

    private static Duration millis(String value) {
        try {
            double ms = Double.parseDouble(value.trim());
            return Double.isFinite(ms) && Math.abs(ms) < 1e12 ? Duration.ofNanos((long) (ms * 1e6)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Duration secondsOrDate(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            return Double.isFinite(seconds) && Math.abs(seconds) < 1e9 ? Duration.ofNanos((long) (seconds * 1e9)) : null;
        } catch (NumberFormatException notANumber) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.between(clock.instant(), when.toInstant());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
