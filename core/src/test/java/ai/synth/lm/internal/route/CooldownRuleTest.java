package ai.synth.lm.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CooldownRuleTest {

    @Test
    void coolsOnA429OnlyWhenTheDeploymentIsNotAlone() {
        assertThat(CooldownRule.reason(429, 100, 1, false)).contains("HTTP 429");
        assertThat(CooldownRule.reason(429, 100, 1, true)).isNull();
    }

    @Test
    void coolsOnMoreThanHalfFailedFromFiveCallsUnlessAlone() {
        assertThat(CooldownRule.reason(500, 2, 2, false)).isNull();            // 4 calls: too few to judge
        assertThat(CooldownRule.reason(500, 3, 3, false)).isNull();            // exactly half
        assertThat(CooldownRule.reason(503, 2, 3, false)).isEqualTo("3 of 5 calls within a minute failed");
        assertThat(CooldownRule.reason(503, 0, 999, true)).isNull();
        assertThat(CooldownRule.reason(0, 0, 1000, true)).isEqualTo("all 1000 calls within a minute failed");
    }

    @Test
    void coolsOnStatusesNotWorthRetryingEvenWhenAlone() {
        assertThat(CooldownRule.reason(401, 50, 1, true)).contains("HTTP 401");
        assertThat(CooldownRule.reason(404, 50, 1, true)).contains("HTTP 404");
        assertThat(CooldownRule.reason(408, 50, 1, true)).isNull();
        assertThat(CooldownRule.reason(500, 50, 1, false)).isNull();
    }

    @Test
    void countsCallsOfTheLastSixtySecondsOnly() {
        MinuteCounts counts = new MinuteCounts();
        Instant t = Instant.parse("2026-11-25T12:00:00.500Z");
        counts.success(t);
        counts.success(t.plusSeconds(30));
        counts.failure(t.plusSeconds(59));

        assertThat(counts.successes(t.plusSeconds(59))).isEqualTo(2);
        assertThat(counts.successes(t.plusSeconds(60))).isEqualTo(1);   // the first left the window
        counts.success(t.plusSeconds(60));                              // reuses the first one's bucket
        assertThat(counts.successes(t.plusSeconds(60))).isEqualTo(2);
        assertThat(counts.failures(t.plusSeconds(119))).isEqualTo(0);
    }
}
