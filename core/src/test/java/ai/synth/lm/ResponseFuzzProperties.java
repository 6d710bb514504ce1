package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Arbitrary response bodies end to end, through the local backend, HTTP, the size limit, the JSON mapping and the
 * stream machinery: a call returns a completion or throws one of the library's typed errors (never anything else),
 * within a bound. The parser-level properties are in {@code internal.ParserFuzzProperties}.
 */
class ResponseFuzzProperties {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.of("m", List.of(ChatMessage.user("Hi")));

    private static LocalBackend backend;
    private static SynthProvider provider;
    private static PrintStream stderr;

    @BeforeContainer
    static void start() {
        stderr = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream())); // a DEBUG line per try is noise here
        backend = LocalBackend.builder().build().start();
        provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("sk-fuzz-1d4e")
                .environment(Map.of()).scheduler(new RecordingScheduler()).idleTimeout(BOUND)
                .maxResponseSize(64 * 1024).build());
    }

    @AfterContainer
    static void stop() {
        provider.close();
        backend.close();
        System.setErr(stderr);
    }

    @Property(tries = 200)
    void anyBodyOnHttp200IsACompletionOrATypedError(@ForAll("bodies") String body) {
        backend.enqueue(Fault.body(200, "application/json", body));
        Throwable thrown = timed(() -> provider.createChatCompletion(HELLO));
        if (thrown != null) {
            assertThat(thrown).isInstanceOfAny(InvalidResponseException.class, ApiException.class);
            assertThat(((SynthLMException) thrown).attempts()).isEqualTo(1);
        }
    }

    @Property(tries = 200)
    void anyEventStreamIsChunksOrATypedError(@ForAll("streams") byte[] stream) {
        backend.enqueue(Fault.replay(stream));
        Throwable thrown = timed(() -> {
            try (ChatCompletionStream chunks = provider.streamChatCompletion(HELLO)) {
                chunks.forEach(chunk -> assertThat(chunk).isNotNull());
            }
        });
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(SynthLMException.class);
        }
    }

    @Property(tries = 200)
    void arbitraryBytesAsAnEventStreamAreChunksOrATypedError(@ForAll @Size(max = 2000) byte[] stream) {
        anyEventStreamIsChunksOrATypedError(stream);
    }

    private static Throwable timed(Runnable call) {
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(call::run);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        return thrown;
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"id\"", "\"choices\"", "\"message\"",
                "\"content\"", "\"tool_calls\"", "\"function\"", "\"error\"", "\"usage\"", "\"index\"", "\"created\"",
                "null", "true", "1", "1e999", "\"x\"", "\"\\ud800\"", " ", "<html>", "\u00e9").list().ofMaxSize(50)
                .map(t -> String.join("", t));
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(300);
        Arbitrary<String> huge = Arbitraries.integers().between(65 * 1024, 200 * 1024).map("x"::repeat);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, tokens), net.jqwik.api.Tuple.of(3, anything),
                net.jqwik.api.Tuple.of(1, huge));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return Arbitraries.of("data: ", "event: error\n", ": ping\n", "\n", "\r\n", "\n\n", "[DONE]", "\"",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}", "{\"choices\":[{\"finish_reason\":\"stop\"}]}",
                "{\"error\":{\"message\":\"x\"}}", "{", "}", "[", "]", "\u00e9", "\uFEFF", "\u0000").list().ofMaxSize(40)
                .map(t -> String.join("", t).getBytes(StandardCharsets.UTF_8));
    }
}
