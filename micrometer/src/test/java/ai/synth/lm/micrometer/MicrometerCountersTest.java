package ai.synth.lm.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.LMListener;
import ai.synth.lm.Router;
import ai.synth.lm.RouterBuilder;
import ai.synth.lm.RoutingStrategy;
import ai.synth.lm.Scheduler;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The synth_lm.* meters, each provoked by what it counts: retries, resends, connections, cooldowns, limiter waits. */
class MicrometerCountersTest {

    private static final String KEY = "sk-test-micrometer-counters-4f0e";
    private static final ChatCompletionRequest ASK = ChatCompletionRequest.of("chat",
            List.of(ChatMessage.user("Hello there")));

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MicrometerListener listener = MicrometerListener.create(observations, meters);

    {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }
    private final VirtualTime time = new VirtualTime();
    private LocalBackend a;
    private LocalBackend b;

    @AfterEach
    void stop() {
        for (LocalBackend backend : new LocalBackend[] {a, b}) {
            if (backend != null) {
                backend.close();
            }
        }
    }

    private static Deployment.Builder deployment(String id, LocalBackend backend) {
        return Deployment.builder("chat", "openai", "model-" + id).id(id).baseUrl(backend.baseUrl() + "/v1")
                .apiKey(KEY);
    }

    private RouterBuilder router() {
        return Router.builder().clock(time.clock).scheduler(time).random(new SplittableRandom(42))
                .environment(Map.of()).listener(listener);
    }

    @Test
    void countsALimiterWaitWithItsLengthWhenTheOnlyDeploymentIsAtItsRpm() {
        a = LocalBackend.builder().apiKey(KEY).build().start();
        try (Router router = router().deployment(deployment("a", a).rpm(1).build()).build()) {
            router.createChatCompletion(ASK);
            router.createChatCompletion(ASK);
        }

        Timer waits = meters.get("synth_lm.limiter.waits").tag("synth_lm.model_group", "chat")
                .tag("synth_lm.reason", "at their rpm/tpm limits").timer();
        assertThat(waits.count()).isEqualTo(1);
        assertThat(time.waits).singleElement().satisfies(wait -> assertThat(wait)
                .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(1).plusMillis(1)));
        assertThat(waits.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(time.waits.get(0).toNanos());
        assertThat(a.requestCount("/v1/chat")).isEqualTo(2);
    }

    @Test
    void countsARoutersRetryOnAnotherDeploymentAndTheCooldownOfTheOneThatFailed() {
        a = LocalBackend.builder().apiKey(KEY).build().start();
        b = LocalBackend.builder().apiKey(KEY).build().start();
        a.enqueue(Fault.status(503));
        try (Router router = router().allowedFails(0).routingStrategy(RoutingStrategy.LEAST_BUSY)
                .deployment(deployment("a", a).build()).deployment(deployment("b", b).build()).build()) {
            router.createChatCompletion(ASK);
        }

        assertThat(meters.get("synth_lm.retries").tag("gen_ai.system", "router").tag("synth_lm.deployment", "a")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("synth_lm.cooldowns").tag("synth_lm.model_group", "chat").tag("synth_lm.deployment", "a")
                .counter().count()).isEqualTo(1);
        assertThat(meters.find("synth_lm.cooldowns").tag("synth_lm.deployment", "b").counter()).isNull();
    }

    @Test
    void countsEachRetryOfAProviderCall() {
        a = LocalBackend.builder().apiKey(KEY).build().start();
        a.enqueue(Fault.status(503));
        a.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
        a.enqueue(Fault.status(400));
        try (SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl(a.baseUrl()).apiKey(KEY)
                .environment(Map.of()).scheduler(time).listener(listener).build())) {
            assertThatThrownBy(() -> provider.createChatCompletion(ChatCompletionRequest.of("m", ASK.messages())))
                    .isInstanceOf(ApiException.class);
        }

        assertThat(meters.get("synth_lm.retries").tag("gen_ai.system", "synth").tag("synth_lm.deployment", "none")
                .counter().count()).isEqualTo(2);
        assertThat(time.waits).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aPooledConnectionTheServerClosedWhileIdleIsReplacedByANewConnectionNotResent(boolean async)
            throws Exception {
        try (ClosingServer server = new ClosingServer();
                SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl(server.baseUrl())
                        .apiKey(KEY).environment(Map.of()).scheduler(time).maxRetries(0).listener(listener).build())) {
            call(provider, async);
            server.closeIdle();

            call(provider, async);

            assertThat(server.requests).isEqualTo(2);
        }
        // the pool's health check finds the close before the request leaves: a new connection, no resend
        assertThat(meters.get("synth_lm.connections").tag("gen_ai.system", "synth").counter().count()).isEqualTo(2);
        assertThat(meters.find("synth_lm.resends").counter()).isNull();
        assertThat(meters.get("gen_ai.client.operation").tag("error", "none").timer().count()).isEqualTo(2);
    }

    @Test
    void countsARequestResentOnANewConnection() {
        // A pooled connection that breaks after the health check and before the first byte of the request leaves:
        // a race no server can stage at will, so the event is told here as the transport tells it.
        listener.requestResent(new LMListener.Resend("synth", "127.0.0.1:8080",
                "java.io.IOException: Broken pipe"));
        listener.requestResent(new LMListener.Resend("synth", "127.0.0.1:8080",
                "java.io.IOException: Connection reset"));

        assertThat(meters.get("synth_lm.resends").tag("gen_ai.system", "synth").counter().count()).isEqualTo(2);
    }

    private static void call(SynthProvider provider, boolean async) {
        ChatCompletionRequest request = ChatCompletionRequest.of("m", ASK.messages());
        if (async) {
            provider.createChatCompletionAsync(request).join();
        } else {
            provider.createChatCompletion(request);
        }
    }

    /** A clock and a scheduler in one: each wait moves the clock on by its length and ends at once. */
    private static final class VirtualTime implements Scheduler {
        final List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T12:00:00Z"));
        final Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };

        @Override
        public CompletableFuture<Void> delay(Duration delay) {
            waits.add(delay);
            now.updateAndGet(t -> t.plus(delay));
            return CompletableFuture.completedFuture(null);
        }
    }

    /** A keep-alive server on loopback whose first connection can be closed while idle; later ones stay open. */
    private static final class ClosingServer implements AutoCloseable {
        private static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d"
                + "\r\n\r\n%s").formatted(answer().length(), answer()).getBytes(StandardCharsets.UTF_8);

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final CountDownLatch close = new CountDownLatch(1);
        private final CountDownLatch closed = new CountDownLatch(1);
        volatile int requests;

        ClosingServer() throws IOException {
            Thread acceptor = new Thread(this::accept, "closing-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static String answer() {
            return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        /** Closes the first connection, idle in the client's pool, and returns once it is closed. */
        void closeIdle() throws InterruptedException {
            close.countDown();
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        }

        private void accept() {
            try {
                try (Socket first = socket.accept()) {
                    serveOne(first);
                    close.await();
                }
                closed.countDown();
                try (Socket second = socket.accept()) {
                    while (serveOne(second)) {
                        // keep-alive: answer whatever comes
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // the test ended
            }
        }

        private boolean serveOne(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return false;
                }
                head.append((char) c);
            }
            int length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
            in.readNBytes(length);
            requests++;
            OutputStream out = s.getOutputStream();
            out.write(OK);
            out.flush();
            return true;
        }

        @Override
        public void close() throws IOException {
            close.countDown();
            socket.close();
        }
    }
}
