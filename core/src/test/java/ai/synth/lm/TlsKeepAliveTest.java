package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.internal.HttpEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against nginx over TLS (OpenSSL), sequential calls share one keep-alive connection on each face: the check before
 * reusing a pooled connection decrypts whatever records wait on the socket, so TLS 1.3 session tickets arriving late
 * are taken for what they are, not for bytes nobody asked for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsKeepAliveTest {

    private static TlsNginx nginx;

    @BeforeAll
    static void startNginx() throws Exception {
        nginx = TlsNginx.start("");
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void sequentialCallsOverHttpsShareOneConnection(Face face) {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)), "the library's own transport");
        AtomicInteger opened = new AtomicInteger();
        LMListener counter = new LMListener() {
            @Override
            public void connectionOpened(Connection connection) {
                opened.incrementAndGet();
            }
        };
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(nginx.baseUrl())
                .apiKey("sk-tls-keepalive-1").sslContext(nginx.trust()).listener(counter).environment(Map.of())
                .maxRetries(0).build())) {
            ChatCompletionRequest hello = ChatCompletionRequest.of("gpt-4o-mini", List.of(ChatMessage.user("Hi")));
            for (int i = 0; i < 5; i++) {
                assertThat(face.call(provider, hello).content()).isEqualTo("Hello over h2!");
            }
        }
        assertThat(opened).hasValue(1);
    }
}
