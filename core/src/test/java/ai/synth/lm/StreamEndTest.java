package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.Futures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The end of a stream's body often comes after its last event ({@code [DONE]}), in a later write of the server. A
 * stream that has its answer waits for that end (a short grace at most) instead of closing the connection, so the
 * next call of either face goes out on the same connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamEndTest {

    private static final String KEY = "sk-stream-end-test-123";
    private static final ChatCompletionRequest REQUEST = ChatCompletionRequest.of("gpt-4o-mini",
            List.of(ChatMessage.user("Hello!")));
    private static final String EVENTS = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private SplitEndServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private OpenAIProvider provider() {
        return new OpenAIProvider(OpenAIConfig.builder().baseUrl(server.baseUrl()).apiKey(KEY)
                .environment(Map.of()).maxRetries(0).build());
    }

    @Test
    void aFlowStreamWhoseBodyEndsAfterDoneLeavesItsConnectionForTheNextCall() throws Exception {
        server = new SplitEndServer(false);
        try (OpenAIProvider provider = provider()) {
            List<String> content = collect(provider.streamChatCompletionAsync(REQUEST), server::sendEnd);
            assertThat(content).containsExactly("Hi");

            server.sendEnd();
            assertThat(collect(provider.streamChatCompletionAsync(REQUEST), () -> {})).containsExactly("Hi");
        }
        assertThat(server.requests.get()).isEqualTo(2);
        assertThat(server.connections.get()).as("the second stream went out on the first one's connection")
                .isEqualTo(1);
    }

    @Test
    void aBlockingStreamWhoseBodyEndsAfterDoneLeavesItsConnectionForTheNextCall() {
        server = new SplitEndServer(false);
        try (OpenAIProvider provider = provider()) {
            List<String> content = new ArrayList<>();
            try (ChatCompletionStream stream = provider.streamChatCompletion(REQUEST)) {
                for (ChatCompletionChunk chunk : stream) {
                    content.add(chunk.choices().get(0).delta().content());
                    server.sendEnd(); // the body's end leaves the server only now, after [DONE] was read
                }
            }
            assertThat(content).containsExactly("Hi");

            server.sendEnd();
            assertThat(Futures.await(collectAsync(provider))).containsExactly("Hi");
        }
        assertThat(server.connections.get()).as("the second stream went out on the first one's connection")
                .isEqualTo(1);
    }

    @Test
    void aBodyThatNeverEndsAfterDoneEndsTheFlowStreamWithinTheGraceAndIsClosed() throws Exception {
        server = new SplitEndServer(true);
        try (OpenAIProvider provider = provider()) {
            long start = System.nanoTime();
            assertThat(collect(provider.streamChatCompletionAsync(REQUEST), () -> {})).containsExactly("Hi");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
            assertThat(server.clientGone.await(10, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
        }
    }

    @Test
    void aBodyThatNeverEndsAfterDoneEndsTheBlockingStreamWithinTheGraceAndIsClosed() throws Exception {
        server = new SplitEndServer(true);
        try (OpenAIProvider provider = provider()) {
            List<String> content = new ArrayList<>();
            try (ChatCompletionStream stream = provider.streamChatCompletion(REQUEST)) {
                stream.forEach(c -> content.add(c.choices().get(0).delta().content()));
            }
            assertThat(content).containsExactly("Hi");
            assertThat(server.clientGone.await(10, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
        }
    }

    private CompletableFuture<List<String>> collectAsync(OpenAIProvider provider) {
        return CompletableFuture.supplyAsync(() -> collect(provider.streamChatCompletionAsync(REQUEST), () -> {}));
    }

    /** The content of every chunk; {@code onChunk} runs after each one, before the stream's end is awaited. */
    private static List<String> collect(Flow.Publisher<ChatCompletionChunk> publisher, Runnable onChunk) {
        return StreamFace.collect(publisher, chunk -> onChunk.run()).stream()
                .map(chunk -> chunk.choices().get(0).delta().content()).toList();
    }

    /**
     * Answers every request on a connection with a chunked event stream whose events (one chunk, then [DONE]) go out
     * in one write, and whose closing empty chunk goes out only once the test says so ({@link #sendEnd}), or never.
     */
    private static final class SplitEndServer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch clientGone = new CountDownLatch(1);
        private final ServerSocket socket;
        private final boolean never;
        private final java.util.concurrent.Semaphore ends = new java.util.concurrent.Semaphore(0);

        SplitEndServer(boolean never) {
            this.never = never;
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Thread t = new Thread(this::accept, "split-end-server");
            t.setDaemon(true);
            t.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        /** Lets the server send the end of one stream's body. */
        void sendEnd() {
            ends.release();
        }

        private void accept() {
            while (true) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException closed) {
                    return;
                }
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "split-end-connection");
                t.setDaemon(true);
                t.start();
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    HangingSseServer.readRequest(in);
                    requests.incrementAndGet();
                    byte[] events = EVENTS.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(events.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(events);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (never) {
                        while (in.read() >= 0) {
                            // the end never comes; wait for the client to give up
                        }
                        clientGone.countDown();
                        return;
                    }
                    ends.acquire();
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                clientGone.countDown();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
