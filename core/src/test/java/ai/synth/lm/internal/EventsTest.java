package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.LMListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {

    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.builder().model("m")
            .messages(List.of(ChatMessage.user("Hello"))).build();

    /** Overrides attemptEnded in a superclass, so that the check has to look past the listener's own class. */
    private static class Counting implements LMListener {
        final List<Attempt> attempts = new ArrayList<>();

        @Override
        public void attemptEnded(Attempt attempt) {
            attempts.add(attempt);
        }
    }

    @Test
    void makesAttemptEventsOnlyForAListenerThatHandlesThem() {
        assertThat(Events.of(new LMListener() {}, "synth", null, "http://localhost/v1").tellsAttempts()).isFalse();
        assertThat(Events.of(new Counting() {}, "synth", null, "http://localhost/v1").tellsAttempts()).isTrue();
        assertThat(Events.of(LMListener.of(new LMListener() {}), "synth", null, null).tellsAttempts()).isTrue();
    }

    @Test
    void tellsAnAttemptWithItsStatusToAListenerThatHandlesThem() {
        Counting counting = new Counting();
        CallEvents call = Events.of(counting, "synth", null, "http://localhost:8080/v1").start(HELLO, false);
        call.attempt(1, 503, System.nanoTime(), null);
        call.attempt(2, 200, System.nanoTime(), null);
        assertThat(counting.attempts).extracting(LMListener.Attempt::number, LMListener.Attempt::status)
                .containsExactly(tuple(1, 503), tuple(2, 200));
    }

    @Test
    void countsAttemptsInTheEndEvenWhenNobodyHearsThem() {
        List<LMListener.CallEnd> ends = new ArrayList<>();
        LMListener endsOnly = new LMListener() {
            @Override
            public void callEnded(CallEnd end) {
                ends.add(end);
            }
        };
        CallEvents call = Events.of(endsOnly, "synth", null, "http://localhost:8080/v1").start(HELLO, false);
        call.attempt(1, 503, System.nanoTime(), null);
        call.attempt(2, 200, System.nanoTime(), null);
        call.ended(null);
        assertThat(ends).singleElement().satisfies(end -> {
            assertThat(end.attempts()).isEqualTo(2);
            assertThat(end.finishReasons()).isEmpty();
        });
    }
}
