package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static List<String> liveThreads(int port) {
        String prefix = SocketServer.threadNamePrefix(port);
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(name -> name.startsWith(prefix)).collect(Collectors.toList());
    }

    @Test
    void listensOnLoopbackAtTheBaseUrl() {
        try (LocalBackend backend = LocalBackend.builder().build().start()) {
            assertThat(backend.port()).isPositive();
            assertThat(backend.baseUrl()).isEqualTo("http://127.0.0.1:" + backend.port());
        }
    }

    @Test
    void closeReleasesThePortAndEndsEveryThread() throws Exception {
        LocalBackend backend = LocalBackend.builder().build().start();
        int port = backend.port();
        new TestClient(backend).chat(chatBody("m", user("Hi")));
        assertThat(liveThreads(port)).isNotEmpty();

        backend.close();

        assertThat(liveThreads(port)).isEmpty();
        try (ServerSocket rebound = new ServerSocket(port)) {
            assertThat(rebound.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void closeEndsAConnectionWaitingOnASlowFault() throws Exception {
        LocalBackend backend = LocalBackend.builder().build().start();
        backend.enqueue(Fault.slowHeaders(Duration.ofHours(1)));
        TestClient client = new TestClient(backend);
        var pending = TestClient.HTTP.sendAsync(client.request("/v1/chat/completions")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestClient.json(chatBody("m", user("Hi")))))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        while (backend.requests().isEmpty()) {
            Thread.onSpinWait();
        }

        backend.close();

        assertThat(liveThreads(backend.port())).isEmpty();
        assertThatThrownBy(pending::join).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void closeIsIdempotentAndAlsoWorksBeforeStart() {
        LocalBackend backend = LocalBackend.builder().build().start();
        backend.close();
        backend.close();

        LocalBackend neverStarted = LocalBackend.builder().build();
        neverStarted.close();
        assertThatThrownBy(neverStarted::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToStartTwice() {
        try (LocalBackend backend = LocalBackend.builder().build().start()) {
            assertThatThrownBy(backend::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }
    }

    @Test
    void refusesPortAndBaseUrlBeforeStart() {
        LocalBackend backend = LocalBackend.builder().build();

        assertThatThrownBy(backend::baseUrl).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
    }

    @Test
    void failsToStartOnAPortInUse() throws Exception {
        try (LocalBackend first = LocalBackend.builder().build().start()) {
            LocalBackend second = LocalBackend.builder().port(first.port()).build();

            assertThatThrownBy(second::start).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void validatesEachBuilderSettingAtOnce() {
        LocalBackend.Builder builder = LocalBackend.builder();

        assertThatThrownBy(() -> builder.port(70000)).hasMessageContaining("port must be from 0 to 65535");
        assertThatThrownBy(() -> builder.apiKey(" ")).hasMessageContaining("apiKey must not be blank");
        assertThatThrownBy(() -> builder.coldStart(Duration.ofSeconds(-1))).hasMessageContaining("coldStart");
        assertThatThrownBy(() -> builder.warmAfterPolls(-1)).hasMessageContaining("warmAfterPolls");
        assertThatThrownBy(() -> builder.streamChunkDelay(Duration.ofMillis(-1))).hasMessageContaining("streamChunkDelay");
    }

    @Test
    void buildersSetInPlaceSoAnUnchainedCallIsNotLost() {
        LocalBackend.Builder builder = LocalBackend.builder();
        assertThat(builder.build().toString()).contains("apiKey none");

        builder.apiKey("secret");

        assertThat(builder.build().toString()).contains("apiKey set").doesNotContain("secret");
    }

    @Test
    void validatesFaultArguments() {
        assertThatThrownBy(() -> Fault.status(99)).hasMessageContaining("from 200 to 599");
        assertThatThrownBy(() -> Fault.streamDisconnect(-1)).hasMessageContaining("afterChunks");
        assertThatThrownBy(() -> Fault.slowHeaders(Duration.ofMillis(-5))).hasMessageContaining("delay");
        assertThatThrownBy(() -> Fault.status(500).withHeader("bad name", "x")).hasMessageContaining("header name");
        assertThat(Fault.status(500).withHeader("a", "b")).isEqualTo(Fault.status(500).withHeader("a", "b"))
                .isNotEqualTo(Fault.status(500));
    }
}
