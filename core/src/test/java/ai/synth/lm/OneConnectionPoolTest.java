package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.TlsCertificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One provider keeps one pool of connections for its synchronous and asynchronous faces: whichever face opened a
 * connection, the other's next call goes out on it, over http and https alike.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneConnectionPoolTest {

    private static final String KEY = "sk-pool-test-key-123";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello!"));

    private LocalBackend backend;

    @BeforeEach
    void onlyTheOwnTransport() {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)), "the JDK client pools alone");
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void callsOnBothFacesTakeTurnsOnOneConnection(boolean tls) {
        TlsCertificate certificate = tls ? TlsCertificate.forLoopback() : null;
        LocalBackend.Builder builder = LocalBackend.builder().apiKey(KEY);
        backend = (tls ? builder.tls(certificate) : builder).build().start();
        SynthConfig.Builder config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY)
                .environment(Map.of());
        if (tls) {
            config.sslContext(certificate.clientContext());
        }
        ChatCompletionRequest request = ChatCompletionRequest.of(MODEL, HELLO);
        try (SynthProvider provider = new SynthProvider(config.build())) {
            assertThat(provider.createChatCompletion(request).choices()).hasSize(1);
            assertThat(Futures.await(provider.createChatCompletionAsync(request)).choices()).hasSize(1);
            assertThat(provider.createChatCompletion(request).choices()).hasSize(1);
            assertThat(StreamFace.collect(provider.streamChatCompletionAsync(request))).isNotEmpty();
            List<ChatCompletionChunk> read = new ArrayList<>();
            try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
                stream.forEach(read::add);
            }
            assertThat(read).isNotEmpty();
            assertThat(Futures.await(provider.createChatCompletionAsync(request)).choices()).hasSize(1);
        }

        assertThat(backend.requests()).hasSize(6);
        assertThat(backend.connectionsAccepted()).as("one connection carried all six calls of both faces")
                .isEqualTo(1);
    }
}
