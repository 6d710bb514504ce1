package ai.synth.lm.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.RouterState;
import ai.synth.lm.RouterState.Candidate;
import ai.synth.lm.RouterState.Decision;
import ai.synth.lm.RouterState.Failure;
import ai.synth.lm.RouterState.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One decision before a call and one finish after it, over the in-memory state's finer methods. */
class StepwiseDecisionTest {

    private final RouterState state = RouterState.inMemory();
    private final Instant t0 = Instant.parse("2026-11-25T12:00:00Z");

    private static Candidate open(String id) {
        return new Candidate(id, true, 0, 0, 0, false);
    }

    @Test
    void holdsTheFirstOpenCandidateAndReportsTheCoolingOnes() {
        state.coolDown("a", t0.plusSeconds(30));
        Decision d = state.acquire(List.of(open("a"), new Candidate("b", false, 0, 0, 0, false), open("c")),
                Order.AS_GIVEN, "t1", 0, t0);
        assertThat(d.chosen()).isEqualTo("c");
        assertThat(d.cooling()).containsOnlyKeys("a").containsEntry("a", t0.plusSeconds(30));
        assertThat(state.inFlight("c")).isEqualTo(1);
        assertThat(state.inFlight("b")).isZero();
    }

    @Test
    void fewestInFlightComesFirstWithTiesAsGiven() {
        state.tryAcquire("a", 0);
        assertThat(state.acquire(List.of(open("a"), open("b"), open("c")), Order.FEWEST_IN_FLIGHT, "t1", 0, t0)
                .chosen()).isEqualTo("b");
        assertThat(state.acquire(List.of(open("a"), open("b"), open("c")), Order.FEWEST_IN_FLIGHT, "t2", 0, t0)
                .chosen()).isEqualTo("c");
    }

    @Test
    void aFullOrSpentCandidateIsPassedOverAndSaysWhenItFrees() {
        state.tryAcquire("a", 1);
        Decision d = state.acquire(List.of(new Candidate("a", true, 1, 0, 0, false),
                new Candidate("b", true, 0, 1, 0, true)), Order.AS_GIVEN, "t1", 10, t0);
        assertThat(d.chosen()).isEqualTo("b");
        Decision none = state.acquire(List.of(new Candidate("a", true, 1, 0, 0, false),
                new Candidate("b", true, 0, 1, 0, true)), Order.AS_GIVEN, "t2", 10, t0.plusSeconds(1));
        assertThat(none.chosen()).isNull();
        assertThat(none.full()).isTrue();
        assertThat(none.budgetFreeAt()).hasValueSatisfying(at -> assertThat(at).isAfter(t0.plusSeconds(59)));
        assertThat(state.inFlight("b")).isEqualTo(1); // the refused reservation gave its slot back
    }

    @Test
    void finishReleasesSettlesAndCoolsDownPastTheAllowedFailures() {
        Candidate b = new Candidate("b", true, 0, 0, 1000, true);
        state.acquire(List.of(b), Order.AS_GIVEN, "t1", 400, t0);
        assertThat(state.finish("b", "t1", 100, null)).isEqualTo(RouterState.Finished.NONE);
        assertThat(state.inFlight("b")).isZero();
        assertThat(state.tokensLastMinute("b", t0)).isEqualTo(100);

        Failure failure = new Failure(t0, Duration.ofMinutes(1), 1, Duration.ofSeconds(5));
        state.acquire(List.of(b), Order.AS_GIVEN, "t2", 0, t0);
        assertThat(state.finish("b", "t2", -1, failure)).isEqualTo(new RouterState.Finished(1, false));
        state.acquire(List.of(b), Order.AS_GIVEN, "t3", 0, t0);
        assertThat(state.finish("b", "t3", -1, failure)).isEqualTo(new RouterState.Finished(2, true));
        assertThat(state.cooldownEnd("b", t0)).contains(t0.plusSeconds(5));
        assertThat(state.recordFailure("b", t0, Duration.ofMinutes(1))).isEqualTo(1); // forgotten when cooled
    }
}
