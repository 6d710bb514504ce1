package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.HttpEngine;
import org.junit.jupiter.api.Test;

/** Calls go over the library's HTTP/1.1 unless the JDK client is asked for (https: see TlsTest). */
class TransportSelectionTest {

    private static final boolean JDK_FORCED = "jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY));

    @Test
    void plainHttpUsesTheLibrarysHttp1UnlessTheJdkClientIsForced() {
        try (SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl("http://127.0.0.1:9")
                .apiKey("sk-test-transport").build())) {
            assertThat(provider.engine.transportName()).isEqualTo(JDK_FORCED ? "jdk" : "http1");
        }
    }

    @Test
    void theForcedTransportReachesTheTestsWhenAsked() {
        // .ci/run runs the library's tests a second time with -Dai.synth.lm.transport=jdk; the property must
        // arrive in the forked test JVM, or that run would test the same transport twice.
        String asked = System.getenv("SYNTH_LM_EXPECT_TRANSPORT");
        if (asked != null && !asked.isEmpty()) {
            assertThat(System.getProperty(HttpEngine.TRANSPORT_PROPERTY, "")).isEqualTo(asked);
        }
    }
}
