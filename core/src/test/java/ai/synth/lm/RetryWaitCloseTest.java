package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A call waiting to retry ends at once when its provider closes, and the wait's timer is given back. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RetryWaitCloseTest {

    private static final String KEY = "sk-retry-wait-test-123";
    private final ManualScheduler scheduler = new ManualScheduler();
    private final LocalBackend backend = LocalBackend.builder().apiKey(KEY).build().start();

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void closingTheProviderEndsTheRetryWaitAndCancelsItsTimer() {
        backend.enqueue(Fault.status(503));
        SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY)
                .environment(Map.of()).maxRetries(2).scheduler(scheduler).build());
        CompletableFuture<ChatCompletion> call = provider.createChatCompletionAsync("m",
                List.of(ChatMessage.user("Hello!")));
        scheduler.awaitPending(1); // the first attempt got its 503 and waits to retry

        provider.close();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(scheduler.issued).hasSize(1);
        assertThat(scheduler.issued.get(0)).as("the retry's wait, freed").isCancelled();
        assertThat(backend.requests()).hasSize(1);
    }
}
