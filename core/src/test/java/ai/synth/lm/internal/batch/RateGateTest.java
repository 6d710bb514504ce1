package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.RouterState;
import ai.synth.lm.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateGateTest {

    private static final ChatCompletionRequest REQUEST = ChatCompletionRequest.builder().model("m")
            .messages(List.of(ChatMessage.user("hi"))).build();

    /** A scheduler whose waits end only when a test completes them; each wait is handed to the test. */
    private final LinkedBlockingQueue<CompletableFuture<Void>> waits = new LinkedBlockingQueue<>();
    private final Scheduler held = delay -> {
        CompletableFuture<Void> wait = new CompletableFuture<>();
        waits.add(wait);
        return wait;
    };

    private RateGate gate(int rpm) {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        BatchPlan plan = new BatchPlan(null, null, Path.of("out.jsonl"), Path.of("err.jsonl"), null, 4, rpm, 0,
                RouterState.inMemory(), "batch:test", clock, held, null);
        return new RateGate(plan, "t-");
    }

    @Test
    void aRequestOverTheMinuteBudgetWaitsAndAStoppedRunCancelsTheWaitItNoLongerNeeds() throws Exception {
        RateGate gate = gate(1);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        assertThat(gate.reserve(1, REQUEST, stop)).isEqualTo("t-1");
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> gate.reserve(2, REQUEST, stop));

        CompletableFuture<Void> wait = waits.poll(10, TimeUnit.SECONDS);
        assertThat(wait).as("the second request waits for the next minute").isNotNull();
        assertThat(second).isNotDone();
        stop.complete(null);

        assertThat(second.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(wait).isCancelled();
        assertThat(waits).isEmpty();
    }

    @Test
    void withNoLimitNothingIsReservedOrWaitedFor() {
        RateGate gate = gate(0);

        assertThat(gate.reserve(1, REQUEST, new CompletableFuture<>())).isNull();
        assertThat(waits).isEmpty();
    }
}
