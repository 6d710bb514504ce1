package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.NoHiddenResendTest.ScriptedServer;
import ai.synth.lm.internal.HttpEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller who gives up ends the exchange: cancelling the future of an async call, or interrupting a thread blocked in
 * a sync call, closes the connection at once, so the server stops generating an answer nobody will read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancellationTest {

    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));

    private final CountDownLatch requestRead = new CountDownLatch(1);
    private final CountDownLatch clientLeft = new CountDownLatch(1);
    private ScriptedServer server;
    private SynthProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer((index, socket, posts) -> {
            NoHiddenResendTest.readRequest(socket.getInputStream(), posts);
            requestRead.countDown();
            if (socket.getInputStream().read() < 0) { // never answers: waits for the client to go away
                clientLeft.countDown();
            }
        });
        provider = new SynthProvider(SynthConfig.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey("sk-cancel-test-123").environment(Map.of()).maxRetries(0).timeout(Duration.ofMinutes(5))
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        server.close();
    }

    @Test
    void cancellingTheFutureOfAnAsyncCallClosesTheConnection() throws Exception {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)),
                "the opt-in JDK HttpClient leaves the response to arrive and be discarded instead (JdkTransport)");
        CompletableFuture<ChatCompletion> call = provider.createChatCompletionAsync("m", HELLO);
        assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();

        call.cancel(true);

        assertThat(clientLeft.await(1, TimeUnit.SECONDS)).as("the server sees the disconnect within 1 s").isTrue();
        assertThat(call).isCancelled();
    }

    @Test
    void interruptingASyncCallerClosesTheConnectionAndKeepsTheInterrupt() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                provider.createChatCompletion("m", HELLO);
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        }, "cancellation-test-caller");
        caller.start();
        assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        assertThat(clientLeft.await(1, TimeUnit.SECONDS)).as("the server sees the disconnect within 1 s").isTrue();
        caller.join(5_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(ConnectionException.class).hasMessageContaining("Interrupted");
        assertThat(stillInterrupted).isTrue();
    }
}
