package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.synth.lm.testserver.LocalBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NioHttp1Test {

    private static final long WAIT = 10; // seconds; only ever reached when something hangs

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "nio-test-callbacks");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        callbacks.shutdownNow();
    }

    @Test
    void readsContentLengthBodiesAndReusesTheConnection() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            s.requests.add(readRequest(socket));
            write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            s.requests.add(readRequest(socket)); // the second call comes on the same connection
            write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Call: 2\r\n\r\ntwo");
        });
        NioHttp1 client = client("pool");

        assertThat(text(await(client.sendAsync(get(server.uri("/a?b=c")), BodyMode.WHOLE)))).isEqualTo("one");
        Response second = await(client.sendAsync(get(server.uri("/b")), BodyMode.WHOLE));

        assertThat(second.status()).isEqualTo(200);
        assertThat(text(second)).isEqualTo("two");
        assertThat(second.headers().firstValue("x-call")).hasValue("2");
        server.await();
        assertThat(server.requests.get(0)).startsWith("GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n");
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void postsTheBodyAndReadsAChunkedBodySplitAnywhere() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            s.requests.add(readRequest(socket));
            for (String part : List.of("HTTP/1.1 200 OK\r\nTransfer-Enc", "oding: chunked\r\n\r\n5\r\nhel",
                    "lo\r\n6;ext=1\r\n world\r", "\n0\r\nTrailer: x\r\n", "\r\n")) {
                write(socket, part);
            }
        });
        NioHttp1 client = client("chunked");
        Request post = new Request("POST", server.uri("/chat"), Headers.of("Content-Type", "application/json"),
                "{\"x\":1}".getBytes(UTF_8));

        Response response = await(client.sendAsync(post, BodyMode.WHOLE));

        assertThat(text(response)).isEqualTo("hello world");
        server.await();
        assertThat(server.requests.get(0)).startsWith("POST /chat HTTP/1.1\r\n")
                .contains("Content-Type: application/json\r\n", "Content-Length: 7\r\n").endsWith("\r\n\r\n{\"x\":1}");
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void gathersAChunkedBodyLargerThanItsFirstGuessWhole() throws Exception {
        String part = "x".repeat(9_999) + "\n";
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            StringBuilder response = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                response.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
            }
            write(socket, response.append("0\r\n\r\n").toString());
        });
        NioHttp1 client = client("grow");

        Response response = await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        assertThat(response.bytes()).hasSize(30_000);
        assertThat(text(response)).isEqualTo(part.repeat(3));
        server.await();
    }

    @Test
    void aWholeBodyDeclaredLargerThanTheLimitFailsAtItsHeadAndClosesTheConnection() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n{");
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // the client hung up
        });
        NioHttp1 client = client("declared-too-large"); // a limit of 1 MiB

        assertThatThrownBy(() -> await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE)))
                .hasCauseInstanceOf(LimitedBody.TooLarge.class);
        server.await();
    }

    @Test
    void aChunkedWholeBodyFailsOnceItPassesTheLimit() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "10000\r\n" + "y".repeat(0x10000) + "\r\n";
            try {
                for (int i = 0; i < 64; i++) { // 4 MiB in all, if nobody hangs up first
                    write(socket, chunk);
                }
            } catch (IOException expected) {
                // the client closed the connection once the body passed its limit
            }
        });
        NioHttp1 client = client("chunked-too-large"); // a limit of 1 MiB

        assertThatThrownBy(() -> await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE)))
                .hasCauseInstanceOf(LimitedBody.TooLarge.class);
        server.await();
    }

    @Test
    void readsABodyDelimitedByTheConnectionClosing() throws Exception {
        Script server = script(s -> {
            try (Socket socket = s.accept()) {
                readRequest(socket);
                write(socket, "HTTP/1.1 200 OK\r\n\r\nuntil the ");
                write(socket, "end");
            }
        });
        NioHttp1 client = client("close-delimited");

        assertThat(text(await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE))))
                .isEqualTo("until the end");
        assertThat(client.openConnections()).isZero();
        server.await();
    }

    @Test
    void skipsAContinueHeadBeforeTheRealOne() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        });
        NioHttp1 client = client("continue");

        Response response = await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        assertThat(response.status()).isEqualTo(201);
        assertThat(text(response)).isEqualTo("ok");
    }

    @Test
    void closesTheConnectionWhenTheServerSaysClose() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // the client closed it
        });
        NioHttp1 client = client("connection-close");

        assertThat(text(await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE)))).isEqualTo("ok");
        assertThat(client.openConnections()).isZero();
        server.await();
    }

    @Test
    void aRequestThePooledConnectionsServerReadBeforeClosingFailsAndIsNotSentAgain() throws Exception {
        Script server = script(s -> {
            Socket first = s.accept();
            readRequest(first);
            write(first, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            s.requests.add(readRequest(first));
            first.close(); // the server read the request whole, then went away without answering
        });
        NioHttp1 client = client("stale");
        await(client.sendAsync(get(server.uri("/1")), BodyMode.WHOLE));

        CompletableFuture<Response> second = client.sendAsync(get(server.uri("/2")), BodyMode.WHOLE);

        assertThatThrownBy(() -> await(second)).hasCauseInstanceOf(IOException.class);
        server.await();
        assertThat(server.requests).containsExactly(server.requests.get(0)).allMatch(r -> r.startsWith("GET /2 "));
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void aPooledConnectionTheServerClosedWhileIdleIsReplacedBeforeTheRequestGoesOut() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Script server = script(s -> {
            Socket first = s.accept();
            readRequest(first);
            write(first, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            first.close();
            closed.countDown();
            Socket second = s.accept();
            s.requests.add(readRequest(second));
            write(second, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        });
        NioHttp1 client = client("stale-idle");
        await(client.sendAsync(get(server.uri("/1")), BodyMode.WHOLE));
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();

        Response response = await(client.sendAsync(get(server.uri("/2")), BodyMode.WHOLE));

        assertThat(text(response)).isEqualTo("two");
        server.await();
        assertThat(server.requests).hasSize(1).allMatch(r -> r.startsWith("GET /2 "));
    }

    @Test
    void replacesAPooledConnectionTheServerClosedWhileIdle() throws Exception {
        CountDownLatch closedIdle = new CountDownLatch(1);
        Script server = script(s -> {
            Socket first = s.accept();
            readRequest(first);
            write(first, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            first.close();
            closedIdle.countDown();
            Socket second = s.accept(); // evicted when the close was seen, or retried when the request hit it
            readRequest(second);
            write(second, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        });
        NioHttp1 client = client("idle-close");
        await(client.sendAsync(get(server.uri("/1")), BodyMode.WHOLE));
        assertThat(closedIdle.await(WAIT, TimeUnit.SECONDS)).isTrue();

        assertThat(text(await(client.sendAsync(get(server.uri("/2")), BodyMode.WHOLE)))).isEqualTo("two");
        server.await();
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void anIdleConnectionTheServerClosesIsClosedWithoutWaitingForTheNextCall() throws Exception {
        Script server = script(s -> {
            Socket first = s.accept();
            readRequest(first);
            write(first, "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=60\r\nContent-Length: 3\r\n\r\none");
            first.close(); // long before the 60 s it allowed
        });
        NioHttp1 client = client("idle-watch");
        await(client.sendAsync(get(server.uri("/1")), BodyMode.WHOLE));
        server.await();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (client.openConnections() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the selector sees the close on its own
        }
        assertThat(client.openConnections()).as("the selector watches its idle connections").isZero();
    }

    @Test
    void writesALargeBodyAcrossManyWrites() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024]; // more than the socket buffers take at once
        new Random(7).nextBytes(big);
        Script server = script(s -> {
            Socket socket = s.accept();
            s.requests.add(readRequest(socket));
            write(socket, "HTTP/1.1 204 No Content\r\n\r\n");
        });
        NioHttp1 client = client("large-body");
        Request post = new Request("POST", server.uri("/upload"), Headers.EMPTY, big);

        assertThat(await(client.sendAsync(post, BodyMode.WHOLE)).status()).isEqualTo(204);
        server.await();
        String request = server.requests.get(0);
        assertThat(request.substring(request.indexOf("\r\n\r\n") + 4).getBytes(ISO_8859_1)).isEqualTo(big);
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void failsWhenAFreshConnectionClosesBeforeTheResponse() throws Exception {
        Script server = script(s -> {
            try (Socket socket = s.accept()) {
                readRequest(socket); // a retry would connect again and wait here forever: the test would hang
            }
        });
        NioHttp1 client = client("fresh-close");

        Throwable failure = failure(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        assertThat(failure).isInstanceOf(IOException.class)
                .hasMessage("connection closed before the response was complete");
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void failsWhenTheBodyIsCutShort() throws Exception {
        Script server = script(s -> {
            try (Socket socket = s.accept()) {
                readRequest(socket);
                write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
            }
        });
        NioHttp1 client = client("cut-short");

        Throwable failure = failure(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        assertThat(failure).isInstanceOf(IOException.class)
                .hasMessage("connection closed before the response was complete");
    }

    @Test
    void failsWithConnectExceptionWhenRefused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        NioHttp1 client = client("refused");

        Throwable failure = failure(client.sendAsync(get(URI.create("http://127.0.0.1:" + port + "/")),
                BodyMode.WHOLE));

        assertThat(failure).isInstanceOf(ConnectException.class);
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void failsWithHttpConnectTimeoutExceptionWhenTheConnectHangs() throws Exception {
        // A listener that never accepts: once its queue is full the kernel drops further SYNs, so connects hang.
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        closeables.add(full);
        boolean hangs = false;
        for (int i = 0; i < 8 && !hangs; i++) {
            Socket filler = new Socket();
            closeables.add(filler);
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 300);
            } catch (SocketTimeoutException e) {
                hangs = true;
            }
        }
        assumeThat(hangs).as("this network stack drops connects to a full listener").isTrue();
        NioHttp1 client = new NioHttp1(settings("connect-timeout", Duration.ofMillis(100)), callbacks);
        closeables.add(client);

        Throwable failure = failure(client.sendAsync(get(URI.create("http://127.0.0.1:" + full.getLocalPort() + "/")),
                BodyMode.WHOLE));

        assertThat(failure).isInstanceOf(HttpConnectTimeoutException.class).hasMessageContaining("timed out");
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void failsWithProtocolExceptionOnAMalformedStatusLine() throws Exception {
        Script server = script(s -> {
            try (Socket socket = s.accept()) {
                readRequest(socket);
                write(socket, "HTTP/1.1 2x0 OK\r\n\r\n");
                socket.getInputStream().read();
            }
        });
        NioHttp1 client = client("malformed");

        Throwable failure = failure(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        assertThat(failure).isInstanceOf(ProtocolException.class).hasMessageContaining("status line");
        server.await(); // the client closed the connection
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void cancellingTheFutureClosesTheConnection() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            requested.countDown();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        });
        NioHttp1 client = client("cancel-future");
        CompletableFuture<Response> future = client.sendAsync(get(server.uri("/")), BodyMode.WHOLE);
        assertThat(requested.await(WAIT, TimeUnit.SECONDS)).isTrue();

        future.cancel(true);

        server.await();
        assertThat(future).isCancelled();
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void cancellingTheSubscriptionClosesTheConnectionAndEndsTheSignals() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        });
        NioHttp1 client = client("cancel-subscription");
        Flow.Publisher<List<ByteBuffer>> body =
                await(client.sendAsync(get(server.uri("/")), BodyMode.PUBLISHER)).publisher();
        Recorder recorder = new Recorder(1, true);

        body.subscribe(recorder);

        server.await();
        assertThat(recorder.text()).isEqualTo("hello");
        assertThat(recorder.terminal).isNull();
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void deliversEveryByteInOrderToASubscriberRequestingOneItemAtATime() throws Exception {
        byte[] expected = new byte[300_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31 % 251);
        }
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(ISO_8859_1));
            Random random = new Random(42);
            for (int at = 0; at < expected.length; ) {
                int n = Math.min(expected.length - at, 1 + random.nextInt(9000));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
                out.write(expected, at, n);
                out.writeBytes("\r\n".getBytes(ISO_8859_1));
                at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
            byte[] all = out.toByteArray();
            for (int at = 0; at < all.length; at += 7000) { // many small writes: many reads on the client
                socket.getOutputStream().write(all, at, Math.min(7000, all.length - at));
            }
        });
        NioHttp1 client = client("backpressure");
        Flow.Publisher<List<ByteBuffer>> body =
                await(client.sendAsync(get(server.uri("/")), BodyMode.PUBLISHER)).publisher();
        Recorder recorder = new Recorder(1, false);

        body.subscribe(recorder);

        assertThat(recorder.done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.terminal).isEqualTo("complete");
        assertThat(recorder.overflows.get()).isZero();
        assertThat(recorder.bytes.toByteArray()).isEqualTo(expected);
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void streamFailsTheSubscriberWhenTheConnectionDropsMidBody() throws Exception {
        Script server = script(s -> {
            try (Socket socket = s.accept()) {
                readRequest(socket);
                write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            }
        });
        NioHttp1 client = client("drop");
        Flow.Publisher<List<ByteBuffer>> body =
                await(client.sendAsync(get(server.uri("/")), BodyMode.PUBLISHER)).publisher();
        Recorder recorder = new Recorder(Long.MAX_VALUE, false);

        body.subscribe(recorder);

        assertThat(recorder.done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.text()).isEqualTo("abc");
        assertThat(recorder.terminal).isEqualTo("IOException: connection closed before the response was complete");
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void closesConnectionsIdleLongerThanTheIdleTimeout() throws Exception {
        Script server = script(s -> {
            Socket socket = s.accept();
            readRequest(socket);
            write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // the pool closed it
        });
        NioHttp1 client = new NioHttp1(settings("idle", Duration.ofSeconds(5)), callbacks, Duration.ofMillis(1));
        closeables.add(client);

        await(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE));

        server.await();
        assertThat(client.openConnections()).isZero();
    }

    @Test
    void closeFailsEveryCallInFlightAndReleasesEverything() throws Exception {
        CountDownLatch requested = new CountDownLatch(3);
        Script server = script(s -> {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sockets.add(s.accept());
                readRequest(sockets.get(i));
                requested.countDown();
            }
            for (Socket socket : sockets) {
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        });
        NioHttp1 client = client("closing");
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(client.sendAsync(get(server.uri("/" + i)), BodyMode.WHOLE));
        }
        assertThat(requested.await(WAIT, TimeUnit.SECONDS)).isTrue();

        client.close();
        client.close();

        for (CompletableFuture<Response> call : calls) {
            assertThat(failure(call)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        }
        assertThat(client.openConnections()).isZero();
        assertThat(threadsNamed("synth-lm-nio-closing")).isEmpty();
        assertThat(failure(client.sendAsync(get(server.uri("/")), BodyMode.WHOLE)))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        server.await();
    }

    @Test
    void thousandConcurrentCallsCompleteOnOneSelectorThread() throws Exception {
        int calls = 1000;
        Script server = script(s -> { // answers only once every call is in: all were in flight at once
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                sockets.add(s.accept());
                readRequest(sockets.get(i));
            }
            for (Socket socket : sockets) {
                write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        NioHttp1 client = client("load");

        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(client.sendAsync(get(server.uri("/" + i)), BodyMode.WHOLE));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(futures).allMatch(f -> text(f.join()).equals("ok"));
        assertThat(client.openConnections()).isEqualTo(ConnectionPool.MAX_IDLE_PER_AUTHORITY);
        List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .map(Thread::getName).filter(n -> !n.startsWith("script")).toList();
        assertThat(started).filteredOn(n -> n.startsWith("synth-lm")).containsExactly("synth-lm-nio-load");
        assertThat(started).hasSizeLessThanOrEqualTo(5); // it, the two callbacks threads, and slack for the JVM's
        server.await();
    }

    @Test
    void talksToTheLocalBackend() throws Exception {
        LocalBackend backend = LocalBackend.builder().build().start();
        closeables.add(backend);
        NioHttp1 client = client("backend");
        Request chat = new Request("POST", URI.create(backend.baseUrl() + "/v1/chat/completions"),
                Headers.of("Content-Type", "application/json"),
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(UTF_8));

        Response models = await(client.sendAsync(get(URI.create(backend.baseUrl() + "/v1/models")),
                BodyMode.WHOLE));
        Response completion = await(client.sendAsync(chat, BodyMode.WHOLE));

        assertThat(models.status()).isEqualTo(200);
        assertThat(completion.status()).isEqualTo(200);
        assertThat(text(completion)).contains("\"choices\"");
        assertThat(backend.lastRequest().method()).isEqualTo("POST");
        assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(backend.lastRequest().body()).contains("\"content\":\"hi\"");
        assertThat(client.openConnections()).isEqualTo(1);
    }

    // ---- helpers ----

    private NioHttp1 client(String provider) {
        NioHttp1 client = new NioHttp1(settings(provider, Duration.ofSeconds(5)), callbacks);
        closeables.add(client);
        return client;
    }

    private static ProviderSettings settings(String provider, Duration connectTimeout) {
        return new ProviderSettings(provider, "http://127.0.0.1:1/v1", null, "key", Duration.ofSeconds(30),
                connectTimeout, 0, null, null, null, 1 << 20, Clock.systemUTC(), null, null);
    }

    private static Request get(URI uri) {
        return new Request("GET", uri, Headers.EMPTY, null);
    }

    private static String text(Response response) {
        return new String(response.bytes(), UTF_8);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(WAIT, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got " + future.join());
    }

    private static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).toList();
    }

    private Script script(Script.Body body) throws IOException {
        Script script = new Script(body);
        closeables.add(script);
        return script;
    }

    /** Reads one request head and its Content-Length body, byte by byte so nothing after it is consumed. */
    private static String readRequest(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in the request head: " + head.toString(ISO_8859_1));
            }
            head.write(b);
        }
        String text = head.toString(ISO_8859_1);
        int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), ISO_8859_1);
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** A loopback server running one scripted conversation on its own thread, for byte-exact responses. */
    private static final class Script implements AutoCloseable {
        interface Body {
            void run(Script script) throws Exception;
        }

        final List<String> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Script(Body body) throws IOException {
            Thread thread = new Thread(() -> {
                try {
                    body.run(this);
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            }, "script-" + server.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        }

        Socket accept() throws IOException {
            Socket socket = server.accept();
            sockets.add(socket);
            return socket;
        }

        int port() {
            return server.getLocalPort();
        }

        URI uri(String target) {
            return URI.create("http://127.0.0.1:" + port() + target);
        }

        /** Waits for the script to end, rethrowing what failed in it. */
        void await() throws Exception {
            done.get(WAIT, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Records a body subscription: requests {@code batch} items at a time, from another thread each time. */
    private static final class Recorder implements Flow.Subscriber<List<ByteBuffer>> {
        private final long batch;
        private final boolean cancelAfterFirst;
        private final ExecutorService requester = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nio-test-requester");
            t.setDaemon(true);
            return t;
        });
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger overflows = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        private final AtomicLong outstanding = new AtomicLong();
        private Flow.Subscription subscription;
        volatile String terminal;

        Recorder(long batch, boolean cancelAfterFirst) {
            this.batch = batch;
            this.cancelAfterFirst = cancelAfterFirst;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            more();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (outstanding.decrementAndGet() < 0) {
                overflows.incrementAndGet();
            }
            synchronized (bytes) {
                for (ByteBuffer b : item) {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    bytes.writeBytes(copy);
                }
            }
            if (cancelAfterFirst) {
                subscription.cancel();
            } else if (outstanding.get() == 0) {
                requester.execute(this::more);
            }
        }

        private void more() {
            outstanding.addAndGet(batch);
            subscription.request(batch);
        }

        @Override
        public void onError(Throwable t) {
            terminal = t.getClass().getSimpleName() + ": " + t.getMessage();
            requester.shutdown();
            done.countDown();
        }

        @Override
        public void onComplete() {
            terminal = "complete";
            requester.shutdown();
            done.countDown();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(UTF_8);
            }
        }
    }
}
