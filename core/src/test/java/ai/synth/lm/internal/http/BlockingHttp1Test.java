package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import ai.synth.lm.internal.Version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.SynthConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocking HTTP/1.1 client against a scripted raw socket server on loopback: each accepted connection runs
 * the next script, which reads requests and writes exact response bytes, so the assertions see the wire.
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class BlockingHttp1Test {

    private static final long WAIT_SECONDS = 5;
    private static final long LIMIT = 1024 * 1024;
    private static final String BODY = "{\"model\":\"m\"}";
    private static final Consumer<Runnable> NO_ABORT = action -> { };

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool(daemon("caller"));
    private ScriptedServer server;
    private BlockingHttp1 http;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        callers.shutdownNow();
        assertThat(callers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        if (server != null) {
            assertThat(server.failures).as("failures in the server's scripts").isEmpty();
        }
    }

    // ---------------------------------------------------------------- the request on the wire

    @Test
    void writesTheRequestLineHostWithPortHeadersContentLengthAndBody() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write(ok("hi"));
        });

        Response response = http.send(post("/v1/chat/completions?stream=false", BODY),
                BodyMode.WHOLE, LIMIT, NO_ABORT);

        assertThat(server.requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(
                "POST /v1/chat/completions?stream=false HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + server.port() + "\r\n"
                        + "Authorization: Bearer sk-test-key-123\r\n"
                        + "Content-Type: application/json\r\n"
                        + "Content-Length: " + BODY.length() + "\r\n"
                        + "\r\n"
                        + BODY);
        assertThat(response.status()).isEqualTo(200);
        assertThat(text(response.bytes())).isEqualTo("hi");
    }

    @Test
    void aGetHasNoContentLengthAndAnEmptyPathIsSentAsSlash() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write(ok(""));
        });

        http.send(new Request("GET", URI.create("http://127.0.0.1:" + server.port()), Headers.EMPTY, null),
                BodyMode.WHOLE, LIMIT, NO_ABORT);

        assertThat(server.requests.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n");
    }

    @Test
    void anEmptyPostBodyIsSentWithContentLengthZero() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write(ok(""));
        });

        http.send(new Request("POST", server.uri("/v1/x"), Headers.EMPTY, null),
                BodyMode.WHOLE, LIMIT, NO_ABORT);

        assertThat(server.requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(
                "POST /v1/x HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void handsBackTheStatusHeadersAndBodyOfAnErrorResponse() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nx-request-id: abc\r\n"
                    + "Content-Length: 17\r\n\r\n{\"error\":\"slow\"}\n");
        });

        Response response = send("/v1/chat/completions");

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("abc");
        assertThat(text(response.bytes())).isEqualTo("{\"error\":\"slow\"}\n");
        assertThat(http.openConnections()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- keep-alive

    @Test
    void sequentialCallsReuseOneKeepAliveConnection() throws Exception {
        start(peer -> {
            for (int i = 1; i <= 3; i++) {
                peer.readRequest();
                peer.write(ok("answer " + i));
            }
        });

        for (int i = 1; i <= 3; i++) {
            assertThat(text(send("/v1/chat/completions").bytes())).isEqualTo("answer " + i);
        }

        assertThat(server.accepts.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(3);
        assertThat(http.openConnections()).isEqualTo(1);
    }

    @Test
    void aChunkedResponseLeavesTheConnectionReusable() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;x=y\r\n{\"a\"\r\n");
            peer.write("3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n");
            peer.readRequest();
            peer.write(ok("second"));
        });

        assertThat(text(send("/v1/a").bytes())).isEqualTo("{\"a\":1}");
        assertThat(text(send("/v1/b").bytes())).isEqualTo("second");

        assertThat(server.accepts.get()).isEqualTo(1);
    }

    @Test
    void aResponseAskingToCloseMakesTheNextCallOpenANewConnection() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nfirst");
            peer.awaitEof();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("second"));
        });

        assertThat(text(send("/v1/a").bytes())).isEqualTo("first");
        assertThat(http.openConnections()).isZero();
        assertThat(text(send("/v1/b").bytes())).isEqualTo("second");

        assertThat(server.accepts.get()).isEqualTo(2);
        assertThat(http.openConnections()).isEqualTo(1);
    }

    @Test
    void anHttp10ResponseIsNotPooled() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            peer.awaitEof();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("second"));
        });

        assertThat(text(send("/v1/a").bytes())).isEqualTo("first");
        assertThat(text(send("/v1/b").bytes())).isEqualTo("second");

        assertThat(server.accepts.get()).isEqualTo(2);
    }

    @Test
    void aBodyEndedByTheServerClosingIsReadWholeAndTheConnectionIsNotPooled() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the ");
            peer.write("end");
            peer.close();
        });

        assertThat(text(send("/v1/a").bytes())).isEqualTo("until the end");

        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aPooledConnectionTheServerDroppedWhileIdleIsReplacedTransparently() throws Exception {
        CountDownLatch dropped = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.write(ok("first"));
            peer.close();
            dropped.countDown();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("second"));
        });
        assertThat(text(send("/v1/a").bytes())).isEqualTo("first");
        assertThat(http.openConnections()).isEqualTo(1);
        assertThat(dropped.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        Response second = send("/v1/b");

        assertThat(second.status()).isEqualTo(200);
        assertThat(text(second.bytes())).isEqualTo("second");
        assertThat(server.accepts.get()).isEqualTo(2);
        assertThat(server.requests).hasSize(2);
        assertThat(http.openConnections()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aFreshConnectionClosedBeforeAnyResponseByteFailsWithoutResending() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.close();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("a resend must not happen"));
        });

        assertThatThrownBy(() -> send("/v1/chat/completions"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed before a response arrived");

        assertThat(server.accepts.get()).isEqualTo(1);
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aPooledConnectionClosedAfterTheResponseStartedFailsWithoutResending() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write(ok("first"));
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Le");
            peer.close();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("a resend must not happen"));
        });
        send("/v1/a");

        assertThatThrownBy(() -> send("/v1/b")).isInstanceOf(IOException.class);

        assertThat(server.accepts.get()).isEqualTo(1);
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aResponseCutShortMidBodyFails() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd");
            peer.close();
        });

        assertThatThrownBy(() -> send("/v1/chat/completions"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed before the response was complete");

        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aChunkedResponseCutShortMidBodyFails() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8\r\nwor");
            peer.close();
        });

        assertThatThrownBy(() -> send("/v1/chat/completions"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed before the response was complete");

        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aMalformedResponseFailsWithAProtocolException() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
            peer.awaitEof();
        });

        assertThatThrownBy(() -> send("/v1/chat/completions"))
                .isInstanceOf(java.net.ProtocolException.class)
                .hasMessageContaining("Not an HTTP/1.1 status line");

        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aNegativeChunkSizeFailsTheCallInsteadOfEndingTheBody() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n-1\r\nhello\r\n0\r\n\r\n");
            peer.awaitEof();
        });

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> send("/v1/a"));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("Malformed chunk size");
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aBodyOverTheLimitFailsWithTooLargeAndClosesTheConnection() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "8\r\n12345678\r\n".repeat(4));
            peer.awaitEof();
        });

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> http.send(post("/v1/a", BODY), BodyMode.WHOLE, 16, NO_ABORT));

        assertThat(thrown).isInstanceOf(LimitedBody.TooLarge.class);
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aRefusedConnectionFailsWithConnectException() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        http = client();

        assertThatThrownBy(() -> http.send(
                new Request("POST", URI.create("http://127.0.0.1:" + port + "/v1/x"), Headers.EMPTY, bytes(BODY)),
                BodyMode.WHOLE, LIMIT, NO_ABORT))
                .isInstanceOf(ConnectException.class);

        assertThat(http.openConnections()).isZero();
    }

    // ---------------------------------------------------------------- abort

    @Test
    void theAbortActionEndsASendWaitingForTheHead() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        CountDownLatch clientClosed = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            requestSeen.countDown();
            peer.awaitEof();
            clientClosed.countDown();
        });
        AtomicReference<Runnable> abort = new AtomicReference<>();
        CompletableFuture<Response> call = inBackground(
                () -> http.send(post("/v1/chat/completions", BODY), BodyMode.WHOLE, LIMIT, abort::set));
        assertThat(requestSeen.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        abort.get().run();

        assertThatThrownBy(() -> call.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(clientClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(server.accepts.get()).isEqualTo(1);
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void theAbortActionEndsASendOnAPooledConnectionWithoutResendingIt() throws Exception {
        CountDownLatch secondRequestSeen = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.write(ok("first"));
            peer.readRequest();
            secondRequestSeen.countDown();
            peer.awaitEof();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("an aborted request was sent again"));
        });
        send("/v1/a");
        AtomicReference<Runnable> abort = new AtomicReference<>();
        CompletableFuture<Response> call = inBackground(
                () -> http.send(post("/v1/b", BODY), BodyMode.WHOLE, LIMIT, abort::set));
        assertThat(secondRequestSeen.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        abort.get().run();

        Throwable outcome = org.assertj.core.api.Assertions.catchThrowable(
                () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(server.accepts.get()).as("connections opened; a second one means the aborted POST was sent again")
                .isEqualTo(1);
        assertThat(outcome).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    }

    // ---------------------------------------------------------------- bodies read as a stream

    @Test
    void aStreamedBodyReadsAChunkedBodyAndGivesTheConnectionBackWhenClosed() throws Exception {
        CountDownLatch firstEventRead = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "9\r\ndata: 1\n\n\r\n");
            await(firstEventRead);
            peer.write("9;ext\r\ndata: 2\n\n\r\n");
            peer.write("e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n");
            peer.readRequest();
            peer.write(ok("next"));
        });

        Response response = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isNull();
        assertThat(response.publisher()).isNull();
        try (InputStream in = response.stream()) {
            assertThat(in).isNotNull();
            assertThat(text(in.readNBytes(9))).isEqualTo("data: 1\n\n");
            firstEventRead.countDown();
            assertThat(text(in.readAllBytes())).isEqualTo("data: 2\n\ndata: [DONE]\n\n");
            assertThat(in.read()).isEqualTo(-1);
            assertThat(http.openConnections()).isEqualTo(1);
        }
        assertThat(http.openConnections()).isEqualTo(1);
        assertThat(text(send("/v1/next").bytes())).isEqualTo("next");
        assertThat(server.accepts.get()).isEqualTo(1);
    }

    @Test
    void aStreamedBodyReadsOneByteAtATime() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 9\r\n\r\ndata: 1\n\n");
        });

        Response response = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = response.stream()) {
            for (int b; (b = in.read()) >= 0; ) {
                read.write(b);
            }
            assertThat(in.read(new byte[4], 0, 0)).isZero();
        }
        assertThat(text(read.toByteArray())).isEqualTo("data: 1\n\n");
        assertThat(http.openConnections()).isEqualTo(1);
    }

    @Test
    void closingAStreamedBodyBeforeItsEndClosesTheConnection() throws Exception {
        CountDownLatch clientClosed = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "9\r\ndata: 1\n\n\r\n");
            peer.awaitEof();
            clientClosed.countDown();
        });
        Response response = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);
        InputStream in = response.stream();
        assertThat(text(in.readNBytes(9))).isEqualTo("data: 1\n\n");
        assertThat(http.openConnections()).isEqualTo(1);

        in.close();

        assertThat(http.openConnections()).isZero();
        assertThat(clientClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        in.close(); // idempotent
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void aStreamedBodyCutShortFailsTheRead() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "9\r\ndata: 1\n\n\r\n");
            peer.close();
        });
        Response response = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);

        try (InputStream in = response.stream()) {
            assertThat(text(in.readNBytes(9))).isEqualTo("data: 1\n\n");
            assertThatThrownBy(in::read).isInstanceOf(EOFException.class)
                    .hasMessageContaining("closed before the response was complete");
        }
        assertThat(http.openConnections()).isZero();
    }

    @Test
    void theStreamingHandlerReadsAnErrorBodyWholeAndPoolsTheConnection() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 15\r\n\r\n{\"error\":\"bad\"}");
            peer.readRequest();
            peer.write(ok("next"));
        });

        Response response = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.stream()).isNull();
        assertThat(text(response.bytes())).isEqualTo("{\"error\":\"bad\"}");
        assertThat(text(send("/v1/next").bytes())).isEqualTo("next");
        assertThat(server.accepts.get()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeClosesIdleAndInUseConnectionsAndRefusesNewCalls() throws Exception {
        CountDownLatch streamClosed = new CountDownLatch(1);
        CountDownLatch idleClosed = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "9\r\ndata: 1\n\n\r\n");
            peer.awaitEof();
            streamClosed.countDown();
        }, peer -> {
            peer.readRequest();
            peer.write(ok("idle after this"));
            peer.awaitEof();
            idleClosed.countDown();
        });
        Response streaming = http.send(post("/v1/chat/completions", BODY),
                BodyMode.STREAM, LIMIT, NO_ABORT);
        InputStream in = streaming.stream();
        assertThat(text(in.readNBytes(9))).isEqualTo("data: 1\n\n");
        assertThat(text(send("/v1/other").bytes())).isEqualTo("idle after this");
        assertThat(http.openConnections()).isEqualTo(2);

        http.close();

        assertThat(http.openConnections()).isZero();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        in.close();
        assertThat(http.openConnections()).isZero();
        assertThat(streamClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(idleClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> send("/v1/after")).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThat(server.accepts.get()).isEqualTo(2);
        http.close(); // idempotent
    }

    // ---------------------------------------------------------------- helpers

    private void start(Script... scripts) throws IOException {
        server = new ScriptedServer(List.of(scripts));
        toClose.add(server);
        http = client();
    }

    private BlockingHttp1 client() {
        BlockingHttp1 client = new BlockingHttp1(settings());
        toClose.add(client);
        return client;
    }

    static ProviderSettings settings() {
        SynthConfig config = SynthConfig.builder()
                .baseUrl("http://127.0.0.1:9/v1")
                .apiKey("sk-test-key-123")
                .connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
                .environment(Map.of())
                .build();
        String base = ProviderSettings.synthBase(config.baseUrl());
        return new ProviderSettings("synth", base + "/v1", base, config.apiKey(), config.timeout(),
                config.connectTimeout(), config.maxRetries(), config.firstByteTimeout(), config.idleTimeout(),
                config.streamTimeout(), config.maxResponseSize(), config.clock(), config.scheduler(),
                new ProviderSettings.Advice("key", "baseUrl", "timeout", "retries"));
    }

    private Request post(String path, String body) {
        return new Request("POST", server.uri(path), Headers.of("Authorization", "Bearer sk-test-key-123",
                "Content-Type", "application/json"), bytes(body));
    }

    private Response send(String path) throws IOException {
        return http.send(post(path, BODY), BodyMode.WHOLE, LIMIT, NO_ABORT);
    }

    private <T> CompletableFuture<T> inBackground(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        callers.execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes(body).length + "\r\n\r\n"
                + body;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("timed out waiting for the client");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    /** A raw loopback server running the next script for each connection it accepts; more connections fail. */
    static final class ScriptedServer implements AutoCloseable {
        final AtomicInteger accepts = new AtomicInteger();
        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final ServerSocket socket;
        private final List<Script> scripts;
        private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
        private final ExecutorService threads = Executors.newCachedThreadPool(daemon("server"));
        private final AtomicBoolean closing = new AtomicBoolean();

        ScriptedServer(List<Script> scripts) throws IOException {
            this.scripts = scripts;
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(this::acceptLoop);
        }

        int port() {
            return socket.getLocalPort();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }

        private void acceptLoop() {
            while (!closing.get()) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException e) {
                    if (!closing.get()) {
                        failures.add(e);
                    }
                    return;
                }
                int index = accepts.getAndIncrement();
                accepted.add(s);
                Script script = index < scripts.size() ? scripts.get(index) : peer -> {
                    peer.close();
                    throw new AssertionError("unexpected connection #" + (index + 1));
                };
                threads.execute(() -> {
                    try {
                        script.run(new Peer(s, requests));
                    } catch (Throwable t) {
                        if (!closing.get() || t instanceof AssertionError) {
                            failures.add(t);
                        }
                    }
                });
            }
        }

        @Override
        public void close() throws Exception {
            closing.set(true);
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
            threads.shutdownNow();
            assertThat(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** The server's end of one connection. */
    static final class Peer {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final BlockingQueue<String> requests;

        Peer(Socket socket, BlockingQueue<String> requests) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.requests = requests;
        }

        /** Reads one whole request (head, and a body of its Content-Length) and records its exact bytes. */
        String readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            if (b < 0) {
                throw new EOFException("the client closed before a whole request: " + head);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            String request = text + new String(body, StandardCharsets.ISO_8859_1);
            requests.add(request);
            return request;
        }

        void write(String response) throws IOException {
            out.write(bytes(response));
            out.flush();
        }

        /** Waits until the client closes its end. */
        void awaitEof() {
            try {
                while (in.read() >= 0) {
                    // discard
                }
            } catch (IOException reset) {
                // a reset ends the connection as well
            }
        }

        void close() throws IOException {
            socket.close();
        }
    }
}
