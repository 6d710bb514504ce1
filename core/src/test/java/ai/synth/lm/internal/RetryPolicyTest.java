package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.http.Headers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final RetryPolicy noJitter = new RetryPolicy(5, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.0);
    private final RetryPolicy fullJitter = new RetryPolicy(5, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.999999);

    @ParameterizedTest(name = "HTTP {0} retryable: {1}")
    @CsvSource({"400,false", "401,false", "403,false", "404,false", "408,true", "409,true", "422,false",
            "429,true", "500,true", "502,true", "503,true", "504,true"})
    void retriesTheStatusesOfTheOpenAiContract(int status, boolean retryable) {
        assertThat(RetryPolicy.isRetryable(status, headers(Map.of()))).isEqualTo(retryable);
    }

    @ParameterizedTest(name = "x-should-retry {1} on HTTP {0}: {2}")
    @CsvSource({"400,true,true", "503,false,false", "503,TRUE,true", "400,maybe,false", "503,maybe,true"})
    void shouldRetryHeaderOverridesTheStatus(int status, String header, boolean retryable) {
        assertThat(RetryPolicy.isRetryable(status, headers(Map.of("x-should-retry", header)))).isEqualTo(retryable);
    }

    @ParameterizedTest(name = "retry {0} waits {1} ms without jitter")
    @CsvSource({"1,500", "2,1000", "3,2000", "4,4000", "5,8000", "6,8000", "10,8000"})
    void backsOffExponentiallyFromHalfASecondCappedAtEight(int retry, long millis) {
        assertThat(noJitter.delay(retry, null)).isEqualTo(Duration.ofMillis(millis));
        assertThat(fullJitter.delay(retry, null).toMillis()).isBetween(millis * 3 / 4, millis * 3 / 4 + 1);
    }

    @ParameterizedTest(name = "retry-after {0} -> {1} ms")
    @CsvSource({"1,1000", "2.5,2500", "60,60000", "0,500", "-10,500", "121,500", "inf,500", "nan,500",
            "garbage,500", "99999999999999999999,500"})
    void honoursSaneRetryAfterSecondsElseBacksOff(String value, long millis) {
        assertThat(noJitter.delay(1, headers(Map.of("retry-after", value)))).isEqualTo(Duration.ofMillis(millis));
    }

    /** As in OpenAI's SDKs, a parsable retry-after-ms decides alone; only an unparsable one defers to retry-after. */
    @ParameterizedTest(name = "retry-after-ms {0} (retry-after 7) -> {1} ms")
    @CsvSource({"250,250", "1500.5,1500", "0,500", "60001,500", "soon,7000"})
    void retryAfterMsWinsOverRetryAfter(String value, long millis) {
        Headers h = headers(Map.of("retry-after-ms", value, "retry-after", "7"));
        assertThat(noJitter.delay(1, h).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest(name = "retry-after date {0} -> {1} ms")
    @CsvSource(delimiter = ';', value = {"Wed, 25 Nov 2026 12:00:30 GMT;30000",
            "Wed, 25 Nov 2026 11:59:00 GMT;500", "Wed, 25 Nov 2026 12:05:00 GMT;500"})
    void honoursRetryAfterHttpDatesWithinAMinute(String date, long millis) {
        assertThat(noJitter.delay(1, headers(Map.of("retry-after", date)))).isEqualTo(Duration.ofMillis(millis));
    }

    static Headers headers(Map<String, String> values) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        values.forEach((k, v) -> map.put(k, List.of(v)));
        return Headers.of(map);
    }
}
