package ai.synth.lm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.synth.lm.internal.http.BlockingHttp1Test.Peer;
import ai.synth.lm.internal.http.BlockingHttp1Test.Script;
import ai.synth.lm.internal.http.BlockingHttp1Test.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport's synchronous face beyond its blocking limit (set to 0 here, so that every call is beyond it): a call
 * with a whole body has the selector do its I/O while the caller waits, on the connections the pool shares, and
 * ending the wait, by the abort action or an interrupt, closes the connection; a stream is still read on the caller's
 * thread.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http1TransportTest {

    private static final long WAIT_SECONDS = 5;
    private static final Consumer<Runnable> NO_ABORT = action -> { };

    private ScriptedServer server;
    private Http1Transport transport;

    @AfterEach
    void tearDown() throws Exception {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
            assertThat(server.failures).as("failures in the server's scripts").isEmpty();
        }
    }

    @Test
    void callsBeyondTheBlockingLimitGoThroughTheSelectorOnOnePooledConnection() throws Exception {
        start(peer -> {
            for (String answer : List.of("one", "two", "three")) {
                peer.readRequest();
                peer.write(ok(answer));
            }
        });

        for (String expected : List.of("one", "two", "three")) {
            Response response = transport.send(post("/v1/chat/completions"), BodyMode.WHOLE, NO_ABORT);
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.bytes(), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }

        assertThat(transport.sentThroughSelector()).isEqualTo(3);
        assertThat(server.accepts.get()).isEqualTo(1);
        assertThat(transport.openConnections()).isEqualTo(1);
    }

    @Test
    void theAbortActionEndsACallWaitingOnTheSelectorAndClosesItsConnection() throws Exception {
        startHoldingTheResponse();
        AtomicReference<Runnable> abort = new AtomicReference<>();
        CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> {
            try {
                return transport.send(post("/v1/chat/completions"), BodyMode.WHOLE, abort::set);
            } catch (IOException | InterruptedException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(requestSeen.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        abort.get().run();

        Throwable outcome = catchThrowable(() -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(outcome).hasCauseInstanceOf(IOException.class);
        assertThat(clientClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the server saw the close").isTrue();
        assertThat(server.accepts.get()).as("connections; a second one would mean the POST was sent again")
                .isEqualTo(1);
    }

    @Test
    void interruptingACallerWaitingOnTheSelectorClosesTheConnection() throws Exception {
        startHoldingTheResponse();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                transport.send(post("/v1/chat/completions"), BodyMode.WHOLE, NO_ABORT);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertThat(requestSeen.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(clientClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the server saw the close").isTrue();
    }

    @Test
    void aStreamIsReadOnTheCallersThreadWhateverTheLoad() throws Exception {
        start(peer -> {
            peer.readRequest();
            peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 12\r\n\r\ndata: hi\n\n\n\n");
        });

        Response response = transport.send(post("/v1/chat/completions"), BodyMode.STREAM, NO_ABORT);

        assertThat(response.stream()).isNotNull();
        try (InputStream in = response.stream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("data: hi\n\n\n\n");
        }
        assertThat(transport.sentThroughSelector()).isZero();
    }

    private final CountDownLatch requestSeen = new CountDownLatch(1);
    private final CountDownLatch clientClosed = new CountDownLatch(1);

    /** A server that reads one request and never answers: {@link #requestSeen}, then {@link #clientClosed}. */
    private void startHoldingTheResponse() throws IOException {
        start(peer -> {
            peer.readRequest();
            requestSeen.countDown();
            peer.awaitEof();
            clientClosed.countDown();
        });
    }

    private void start(Script... scripts) throws IOException {
        server = new ScriptedServer(List.of(scripts));
        transport = new Http1Transport(BlockingHttp1Test.settings(), HttpClients.workers("synth"), 0);
    }

    private Request post(String path) {
        return new Request("POST", server.uri(path), Headers.of("Content-Type", "application/json"),
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
