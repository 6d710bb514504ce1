package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.NoHiddenResendTest.ScriptedServer;
import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.TlsCertificate;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Calls through an HTTP proxy named by {@code HTTPS_PROXY} / {@code HTTP_PROXY}: a real tinyproxy for the paths
 * that work (a CONNECT tunnel for https, absolute-form requests for http, Basic credentials, {@code NO_PROXY}), and a
 * scripted proxy for the refusals. The variables come through the config's {@code environment(...)}, as they would
 * from the process or {@code .env}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyTest {

    private static final String KEY = "sk-proxy-test-key-123";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));
    private static final TlsCertificate CERTIFICATE = TlsCertificate.forLoopback();

    private final RecordingScheduler scheduler = new RecordingScheduler();
    private LocalBackend backend;

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private SynthProvider provider(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("SYNTH_BASE_URL", backend.baseUrl());
        env.put("SYNTH_API_KEY", KEY);
        return new SynthProvider(SynthConfig.builder().environment(env).scheduler(scheduler).maxRetries(2)
                .sslContext(CERTIFICATE.clientContext()).build());
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void httpsGoesThroughAConnectTunnel(Face face) throws Exception {
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        try (Tinyproxy proxy = new Tinyproxy(null, null); SynthProvider provider = provider(
                Map.of("HTTPS_PROXY", proxy.url()))) {
            ChatCompletion response = face.call(provider, ChatCompletionRequest.of("m", HELLO));

            assertThat(response.choices().get(0).message().content()).contains("Hello!");
            assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + backend.port());
        }
        assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(backend.lastRequest().header("proxy-authorization")).isNull();
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aStreamGoesThroughTheTunnel(StreamFace face) throws Exception {
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        try (Tinyproxy proxy = new Tinyproxy(null, null); SynthProvider provider = provider(
                Map.of("https_proxy", proxy.url()))) {
            ChatCompletion whole = face.completion(provider, ChatCompletionRequest.of("m", HELLO));

            assertThat(whole.choices().get(0).message().content()).contains("Hello!");
            assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + backend.port());
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void plainHttpGoesToTheProxyInAbsoluteForm(Face face) throws Exception {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        try (Tinyproxy proxy = new Tinyproxy(null, null); SynthProvider provider = provider(
                Map.of("HTTP_PROXY", proxy.url()))) {
            face.call(provider, ChatCompletionRequest.of("m", HELLO));

            assertThat(proxy.log()).contains("POST http://127.0.0.1:" + backend.port() + "/v1/chat/completions");
        }
        assertThat(backend.lastRequest().path()).isEqualTo("/v1/chat/completions");
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void credentialsInTheProxyUrlAreSentAndNeverShown(Face face) throws Exception {
        assumeOwnTransport();
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        try (Tinyproxy proxy = new Tinyproxy("alice", "pr0xy-s3cret")) {
            String withCredentials = "http://alice:pr0xy-s3cret@127.0.0.1:" + proxy.port();
            try (SynthProvider provider = provider(Map.of("HTTPS_PROXY", withCredentials))) {
                assertThat(face.call(provider, ChatCompletionRequest.of("m", HELLO)).choices()).hasSize(1);
            }
            try (SynthProvider provider = provider(Map.of("HTTPS_PROXY", proxy.url()))) {
                assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of("m", HELLO)))
                        .isInstanceOf(ConnectionException.class)
                        .hasMessageContaining("407")
                        .hasMessageContaining("HTTPS_PROXY=http://user:password@host:port")
                        .satisfies(e -> assertThat(((SynthLMException) e).attempts()).isEqualTo(1));
            }
            try (SynthProvider provider = provider(Map.of("HTTPS_PROXY", "http://alice:wrong-pass@127.0.0.1:"
                    + proxy.port()))) {
                assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of("m", HELLO)))
                        .isInstanceOf(ConnectionException.class)
                        .hasMessageContaining("refused the credentials")
                        .hasMessageNotContaining("wrong-pass");
            }
        }
        assertThat(scheduler.delays).as("a 407 is not retried").isEmpty();
        assertThat(backend.requests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aHostInNoProxyIsReachedDirectly(Face face) throws Exception {
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        int nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = closed.getLocalPort();
        }
        try (SynthProvider provider = provider(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + nobody,
                "NO_PROXY", "example.com, 127.0.0.1"))) {
            assertThat(face.call(provider, ChatCompletionRequest.of("m", HELLO)).choices()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aProxyThatCannotBeReachedIsNamedInTheError(Face face) throws Exception {
        assumeOwnTransport();
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        int nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = closed.getLocalPort();
        }
        try (SynthProvider provider = provider(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + nobody))) {
            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of("m", HELLO)))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("could not connect to the proxy 127.0.0.1:" + nobody)
                    .hasMessageContaining("HTTPS_PROXY");
        }
        assertThat(backend.requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void aRefusedConnectFailsAtOnceSayingWhy(Face face) throws Exception {
        assumeOwnTransport();
        backend = LocalBackend.builder().apiKey(KEY).tls(CERTIFICATE).build().start();
        try (ScriptedServer proxy = new ScriptedServer((index, socket, posts) -> {
            NoHiddenResendTest.readRequest(socket.getInputStream(), posts);
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }); SynthProvider provider = provider(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()))) {
            assertThatThrownBy(() -> face.call(provider, ChatCompletionRequest.of("m", HELLO)))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("answered CONNECT 127.0.0.1:" + backend.port() + " with HTTP 403")
                    .hasMessageContaining("NO_PROXY");
            assertThat(proxy.posts.get()).isEqualTo(1);
        }
        assertThat(scheduler.delays).isEmpty();
        assertThat(backend.requests()).isEmpty();
    }

    /** The opt-in JDK client takes proxy credentials only from an Authenticator, and words its errors its own way. */
    private static void assumeOwnTransport() {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)),
                "proxy credentials and proxy error messages are the library's own transport's");
    }

    @Test
    void aProxyUrlThatIsNotHttpIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> SynthConfig.builder().environment(Map.of("SYNTH_BASE_URL", "https://x.example",
                "SYNTH_API_KEY", KEY, "HTTPS_PROXY", "socks5://bob:hunter22@127.0.0.1:1080")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HTTPS_PROXY")
                .hasMessageNotContaining("hunter22");
    }
}
