package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.TlsCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Calls over {@code https}: the local backend serves TLS with a certificate made for the test, which the client
 * trusts through {@code sslContext(...)}. Bad certificates fail at once with what to fix; a server that breaks off
 * mid-handshake or mid-body fails the call with a typed exception; bodies split over many TLS records arrive whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

    private static final String KEY = "sk-tls-test-key-123";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));

    private LocalBackend backend;
    private final RecordingScheduler scheduler = new RecordingScheduler();

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private LocalBackend start(TlsCertificate certificate) {
        backend = LocalBackend.builder().apiKey(KEY).tls(certificate).build().start();
        return backend;
    }

    private SynthConfig.Builder config(String baseUrl) {
        return SynthConfig.builder().baseUrl(baseUrl).apiKey(KEY).environment(Map.of()).scheduler(scheduler);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void completesACallOverHttpsAndReusesTheConnection(Face face) {
        TlsCertificate certificate = TlsCertificate.forLoopback();
        start(certificate);
        assertThat(backend.baseUrl()).startsWith("https://127.0.0.1:");
        try (SynthProvider provider = new SynthProvider(
                config(backend.baseUrl()).sslContext(certificate.clientContext()).build())) {
            for (int i = 0; i < 3; i++) {
                ChatCompletion response = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));
                assertThat(response.choices().get(0).message().content()).contains("Hello!");
            }
        }
        assertThat(backend.requests()).hasSize(3);
        assertThat(backend.connectionsAccepted()).as("one TLS connection, kept alive across the session tickets the"
                + " server sends after its handshake").isEqualTo(1);
        assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void streamsOverHttps(StreamFace face) {
        TlsCertificate certificate = TlsCertificate.forLoopback();
        start(certificate);
        try (SynthProvider provider = new SynthProvider(
                config(backend.baseUrl()).sslContext(certificate.clientContext()).build())) {
            ChatCompletion whole = face.completion(provider, ChatCompletionRequest.of(MODEL, HELLO));
            assertThat(whole.choices().get(0).message().content()).contains("Hello!");
            assertThat(whole.choices().get(0).finishReason()).isEqualTo("stop");
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aBodyOfManyTlsRecordsArrivesWhole(Face face) {
        TlsCertificate certificate = TlsCertificate.forLoopback();
        start(certificate);
        String content = "word ".repeat(60_000); // 300 KB: about twenty 16 KiB records
        backend.enqueue(Fault.body(200, "application/json", completionJson(content)));
        try (SynthProvider provider = new SynthProvider(
                config(backend.baseUrl()).sslContext(certificate.clientContext()).build())) {
            ChatCompletion response = face.call(provider, ChatCompletionRequest.of(MODEL, HELLO));
            assertThat(response.choices().get(0).message().content()).isEqualTo(content);
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void anUntrustedCertificateFailsAtOnceSayingHowToTrustIt(Face face) {
        start(TlsCertificate.forLoopback());
        try (SynthProvider provider = new SynthProvider(config(backend.baseUrl()).maxRetries(3).build())) {
            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("certificate is not trusted")
                    .hasMessageContaining("sslContext(...)")
                    .hasMessageNotContaining(KEY)
                    .satisfies(e -> assertThat(((SynthLMException) e).attempts()).isEqualTo(1));
        }
        assertThat(scheduler.delays).as("no retry: a certificate does not change between attempts").isEmpty();
        assertThat(backend.requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aCertificateForAnotherHostFailsSayingSo(Face face) {
        TlsCertificate elsewhere = TlsCertificate.forNames("api.elsewhere.test");
        start(elsewhere);
        try (SynthProvider provider = new SynthProvider(
                config(backend.baseUrl()).sslContext(elsewhere.clientContext()).build())) {
            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("not valid for this host name");
        }
        assertThat(backend.requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aServerThatClosesMidBodyFailsTheCallWithoutRetryingWhenAskedNot(Face face) {
        TlsCertificate certificate = TlsCertificate.forLoopback();
        start(certificate);
        backend.enqueue(Fault.disconnectMidBody());
        try (SynthProvider provider = new SynthProvider(config(backend.baseUrl()).maxRetries(0)
                .sslContext(certificate.clientContext()).build())) {
            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)))
                    .isInstanceOf(ConnectionException.class);
        }
        assertThat(backend.requests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aServerThatClosesMidHandshakeFailsTheCall(Face face) throws Exception {
        try (HandshakeBreaker breaker = new HandshakeBreaker()) {
            try (SynthProvider provider = new SynthProvider(config("https://127.0.0.1:" + breaker.port())
                    .maxRetries(0).sslContext(TlsCertificate.forLoopback().clientContext()).build())) {
                assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of(MODEL, HELLO)))
                        .isInstanceOf(ConnectionException.class)
                        .hasMessageContaining("127.0.0.1:" + breaker.port());
            }
        }
    }

    @Test
    void aBodyWrittenOneByteARecordIsReadWhole() throws Exception {
        TlsCertificate certificate = TlsCertificate.forLoopback();
        String json = completionJson("split across many records");
        String response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
        try (ByteWiseServer server = new ByteWiseServer(certificate, response)) {
            try (SynthProvider provider = new SynthProvider(config("https://127.0.0.1:" + server.port())
                    .maxRetries(0).sslContext(certificate.clientContext()).build())) {
                ChatCompletion sync = provider.createChatCompletion(ChatCompletionRequest.of(MODEL, HELLO));
                ChatCompletion async = Futures.await(
                        provider.createChatCompletionAsync(ChatCompletionRequest.of(MODEL, HELLO)));
                assertThat(sync.choices().get(0).message().content()).isEqualTo("split across many records");
                assertThat(async.choices().get(0).message().content()).isEqualTo("split across many records");
            }
        }
    }

    @Test
    void httpsGoesOverTheLibrarysOwnTransportUnlessTheJdkClientIsForced() {
        boolean forced = "jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY));
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl("https://example.invalid/v1")
                .apiKey("sk-test-transport").build())) {
            assertThat(provider.engine.transportName()).isEqualTo(forced ? "jdk" : "http1");
        }
    }

    private static String completionJson(String content) {
        return "{\"id\":\"chatcmpl-tls\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + MODEL + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2}}";
    }

    /** Accepts connections, reads the start of the client's hello and closes: a handshake cut short. */
    private static final class HandshakeBreaker implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::serve, "tls-test-breaker");

        HandshakeBreaker() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket accepted = socket.accept()) {
                    accepted.getInputStream().read(new byte[5]);
                } catch (IOException closing) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }

    /** A TLS server that answers every request with the same response, written one byte (one TLS record) a time. */
    private static final class ByteWiseServer implements AutoCloseable {
        private final SSLServerSocket socket;
        private final String response;
        private final Thread thread = new Thread(this::serve, "tls-test-bytewise");

        ByteWiseServer(TlsCertificate certificate, String response) throws IOException {
            this.socket = (SSLServerSocket) certificate.serverContext().getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.response = response;
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    SSLSocket accepted = (SSLSocket) socket.accept();
                    Thread connection = new Thread(() -> answer(accepted), "tls-test-bytewise-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException closing) {
                    return;
                }
            }
        }

        private void answer(SSLSocket accepted) {
            try (accepted) {
                InputStream in = accepted.getInputStream();
                OutputStream out = accepted.getOutputStream();
                while (NoHiddenResendTest.readRequest(in, new AtomicInteger())) {
                    for (byte b : response.getBytes(StandardCharsets.UTF_8)) {
                        out.write(b);
                        out.flush();
                    }
                }
            } catch (IOException closing) {
                // the client left
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
