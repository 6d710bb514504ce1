package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request that may have reached the server is never sent again behind the caller's back: a keep-alive server
 * that reads a POST whole and closes without answering costs exactly one POST per attempt, and the failure is the
 * attempt's, counted and retried (or not) by the retry policy. Only a pooled connection found closed before the
 * request went out is replaced silently.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoHiddenResendTest {

    private static final String MODEL = "m";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));
    private static final String OK_JSON = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}";

    private final RecordingScheduler scheduler = new RecordingScheduler();
    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private SynthProvider provider(int maxRetries) {
        return new SynthProvider(SynthConfig.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey("sk-resend-test-123").environment(Map.of()).scheduler(scheduler).maxRetries(maxRetries)
                .timeout(Duration.ofSeconds(10)).build());
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aPostTheServerReadThenDroppedIsSentOnceAndFailsWithoutRetries(Face face) throws Exception {
        server = new ScriptedServer(ScriptedServer::answerOnceThenSwallowTheNext);
        try (SynthProvider provider = provider(0)) {
            face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)))
                    .isInstanceOf(ConnectionException.class)
                    .satisfies(e -> assertThat(((SynthLMException) e).attempts()).isEqualTo(1));
        }
        assertThat(server.posts.get()).as("POSTs on the wire: one per call").isEqualTo(2);
        assertThat(scheduler.delays).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aPostTheServerReadThenDroppedIsRetriedByThePolicyCountedAndBackedOff(Face face) throws Exception {
        server = new ScriptedServer(ScriptedServer::answerOnceThenSwallowTheNext);
        try (SynthProvider provider = provider(2)) {
            face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

            ChatCompletion second = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

            assertThat(second.choices().get(0).message().content()).isEqualTo("ok");
        }
        assertThat(server.posts.get()).as("the first call, the swallowed attempt and its retry").isEqualTo(3);
        assertThat(scheduler.delays).as("one retry, backed off").hasSize(1);
        assertThat(scheduler.delays.get(0)).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aPoolOfConnectionsTheServerClosedWhileIdleCostsNoExtraPost(Face face) throws Exception {
        int pooled = 4;
        CountDownLatch allArrived = new CountDownLatch(pooled);
        CountDownLatch closeIdle = new CountDownLatch(1);
        CountDownLatch allClosed = new CountDownLatch(pooled);
        server = new ScriptedServer((index, socket, posts) -> {
            if (index >= pooled) {
                ScriptedServer.answerEvery(socket, posts);
                return;
            }
            readRequest(socket.getInputStream(), posts);
            allArrived.countDown();
            allArrived.await(10, TimeUnit.SECONDS); // hold every answer until all calls have their own connection
            ScriptedServer.answer(socket);
            closeIdle.await(10, TimeUnit.SECONDS);
            socket.close();
            allClosed.countDown();
        });
        ExecutorService callers = Executors.newFixedThreadPool(pooled);
        try (SynthProvider provider = provider(0)) {
            List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
            for (int i = 0; i < pooled; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)), callers));
            }
            calls.forEach(CompletableFuture::join);
            closeIdle.countDown();
            assertThat(allClosed.await(10, TimeUnit.SECONDS)).isTrue();

            ChatCompletion after = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));

            assertThat(after.choices().get(0).message().content()).isEqualTo("ok");
        } finally {
            callers.shutdownNow();
        }
        assertThat(server.posts.get()).isEqualTo(pooled + 1);
        assertThat(server.connections.get()).isEqualTo(pooled + 1);
        assertThat(scheduler.delays).isEmpty();
    }

    /** Reads one request, head and body; false when the connection ended first. */
    static boolean readRequest(InputStream in, AtomicInteger posts) throws IOException {
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
        if (in.readNBytes(length).length < length) {
            return false;
        }
        posts.incrementAndGet();
        return true;
    }

    /** A loopback server running a script per accepted connection, counting whole requests read. */
    static final class ScriptedServer implements AutoCloseable {
        interface Script {
            void run(int index, Socket socket, AtomicInteger posts) throws Exception;
        }

        final AtomicInteger posts = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Script script;

        ScriptedServer(Script script) throws IOException {
            this.script = script;
            Thread acceptor = new Thread(this::accept, "resend-test-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    int index = connections.getAndIncrement();
                    Thread t = new Thread(() -> {
                        try (s) {
                            script.run(index, s, posts);
                        } catch (Exception ignored) {
                            // the client went away, or the test ended
                        }
                    }, "resend-test-connection-" + index);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closing) {
                    return;
                }
            }
        }

        /** The first connection answers one request, then reads the next whole and closes; later ones answer all. */
        static void answerOnceThenSwallowTheNext(int index, Socket socket, AtomicInteger posts) throws IOException {
            if (index > 0) {
                answerEvery(socket, posts);
                return;
            }
            InputStream in = socket.getInputStream();
            if (readRequest(in, posts)) {
                answer(socket);
                readRequest(in, posts);
            }
        }

        static void answerEvery(Socket socket, AtomicInteger posts) throws IOException {
            while (readRequest(socket.getInputStream(), posts)) {
                answer(socket);
            }
        }

        static void answer(Socket socket) throws IOException {
            byte[] body = OK_JSON.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
