package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LMCallTest {

    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.builder().model("m")
            .messages(List.of(ChatMessage.user("Hello"))).build();

    private final LMCall call = new LMCall("synth", null, "localhost", 80, HELLO, false);

    @Test
    void keepsEachListenersAttachmentUnderItsOwnKeyUntilRemoved() {
        Object span = new Object();
        Object observation = new Object();
        call.attach("span", span);
        call.attach("observation", observation);
        call.attach("span", "replaced");
        assertThat(call.attachment("span")).isEqualTo("replaced");
        assertThat(call.attachment("observation")).isSameAs(observation);

        call.attach("span", null);
        assertThat(call.attachment("span")).isNull();
        assertThat(call.attachment("observation")).isSameAs(observation);
        call.attach("missing", null);
        call.attach("observation", null);
        assertThat(call.attachment("observation")).isNull();
    }

    @Test
    void sendsEachAddedHeaderOnceWithItsLastValue() {
        assertThat(call.headers()).isEmpty();
        LMCall traced = new LMCall("synth", null, "localhost", 80, HELLO, false);
        traced.header("traceparent", "00-a-b-01");
        traced.header("tracestate", "k=v");
        traced.header("traceparent", "00-c-d-01");
        assertThat(traced.headers()).isEqualTo(Map.of("traceparent", "00-c-d-01", "tracestate", "k=v"));

        LMCall one = new LMCall("synth", null, "localhost", 80, HELLO, false);
        one.header("baggage", "k=v");
        assertThat(one.headers()).isEqualTo(Map.of("baggage", "k=v"));
    }

    @Test
    void refusesTheLibrarysOwnHeadersWhateverTheirCase() {
        for (String name : List.of("authorization", "AUTHORIZATION", "Content-Type", "HoSt", "user-agent")) {
            assertThatThrownBy(() -> call.header(name, "x")).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("The header " + name + " is set by synth-lm itself; pick another name");
        }
        call.header("X-Authorization-Hint", "allowed");
        assertThat(call.headers()).containsEntry("X-Authorization-Hint", "allowed");
    }
}
