package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.HttpEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Over the JDK client, calls beyond the stream limit of the one HTTP/2 connection it keeps per host wait for a free
 * stream instead of failing: against nginx offering h2 with at most 100 concurrent streams.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2StreamLimitTest {

    private static final int CALLS = 2_000;
    private static TlsNginx nginx;

    @BeforeAll
    static void startNginx() throws Exception {
        nginx = TlsNginx.start("http2_max_concurrent_streams 100;");
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** A provider over the JDK client trusting the test's certificate (the client takes the default context). */
    private static OpenAIProvider provider() throws Exception {
        return withJdkClientTrusting(nginx.trust(), () -> new OpenAIProvider(OpenAIConfig.builder()
                .baseUrl(nginx.baseUrl()).apiKey("sk-h2-limit-5b1c").maxRetries(0).environment(Map.of()).build()));
    }

    private static <T> T withJdkClientTrusting(SSLContext trust, Supplier<T> make) throws Exception {
        SSLContext before = SSLContext.getDefault();
        String transport = System.getProperty(HttpEngine.TRANSPORT_PROPERTY);
        SSLContext.setDefault(trust);
        System.setProperty(HttpEngine.TRANSPORT_PROPERTY, "jdk");
        try {
            return make.get();
        } finally {
            SSLContext.setDefault(before);
            if (transport == null) {
                System.clearProperty(HttpEngine.TRANSPORT_PROPERTY);
            } else {
                System.setProperty(HttpEngine.TRANSPORT_PROPERTY, transport);
            }
        }
    }

    @Test
    void twoThousandAsyncCallsInFlightAllSucceedAgainstAHundredStreamLimit() throws Exception {
        try (OpenAIProvider provider = provider()) {
            assertThat(provider.engine.transportName()).isEqualTo("jdk");
            ChatCompletionRequest hello = ChatCompletionRequest.of("gpt-4o-mini", List.of(ChatMessage.user("Hi")));
            AtomicInteger ok = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(provider.createChatCompletionAsync(hello).whenComplete((c, e) -> {
                    if (e == null && "Hello over h2!".equals(c.content())) {
                        ok.incrementAndGet();
                    } else {
                        failures.merge(e == null ? "content " + c.content() : String.valueOf(e.getMessage()), 1,
                                Integer::sum);
                    }
                }));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isEqualTo(CALLS);
        }
    }

    @Test
    void aHundredAndFiftySyncCallsAtOnceAllSucceed() throws Exception {
        try (OpenAIProvider provider = provider()) {
            ChatCompletionRequest hello = ChatCompletionRequest.of("gpt-4o-mini", List.of(ChatMessage.user("Hi")));
            List<Thread> threads = new ArrayList<>();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < 150; i++) {
                Thread t = new Thread(() -> {
                    try {
                        for (int n = 0; n < 4; n++) {
                            assertThat(provider.createChatCompletion(hello).content()).isEqualTo("Hello over h2!");
                            ok.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isEqualTo(600);
        }
    }
}
