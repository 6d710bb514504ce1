package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;
import ai.synth.lm.internal.wire.ChunkCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.internal.wire.SseException;
import ai.synth.lm.internal.wire.SseParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Arbitrary bytes into the response mapping and the SSE parser with chunk decoding: nothing but the internal layer's
 * typed errors ({@link IOException} from the JSON codecs, {@link SseException} from the parser) ever comes out, no
 * input takes long, and an event past the parser's limit fails at the limit rather than being buffered. Also:
 * whenever a response parses, its unknown fields are all kept, unchanged, and none is made up.
 */
class ParserFuzzProperties {

    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final Set<String> COMPLETION_FIELDS =
            Set.of("id", "object", "created", "model", "system_fingerprint", "choices", "usage");
    private static final String VALID = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\","
            + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
            + "\"{\\\"a\\\":1}\"}}]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":1,\"total_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":0}},"
            + "\"system_fingerprint\":null,\"service_tier\":\"default\"}";

    // ---- JsonCodec.readCompletion

    @Property(tries = 500)
    void arbitraryBytesParseAsACompletionOrFailWithIOException(@ForAll @Size(max = 600) byte[] bytes) {
        assertOnlyIOException(() -> JsonCodec.readCompletion(bytes));
    }

    @Property(tries = 1000)
    void jsonLikeTokensParseAsACompletionOrFailWithIOException(@ForAll("jsonish") byte[] bytes) {
        assertOnlyIOException(() -> JsonCodec.readCompletion(bytes));
    }

    @Property(tries = 1000)
    void mutatedRealCompletionsParseOrFailWithIOException(@ForAll("mutatedCompletions") byte[] bytes) {
        assertOnlyIOException(() -> JsonCodec.readCompletion(bytes));
    }

    @Property(tries = 1000)
    void aParsedCompletionKeepsEveryUnknownFieldAndMakesNoneUp(@ForAll("completionObjects") Map<String, Object> json) {
        byte[] bytes = JsonValueIO.toJson(json).getBytes(StandardCharsets.UTF_8);
        ChatCompletion completion;
        try {
            completion = JsonCodec.readCompletion(bytes);
        } catch (IOException wrongShape) {
            return; // e.g. "choices": 3; a typed error is the right answer
        }
        Map<String, Object> unknown = new LinkedHashMap<>(json);
        unknown.keySet().removeAll(COMPLETION_FIELDS);
        assertThat(JsonValueIO.toJson(completion.additionalProperties())).isEqualTo(JsonValueIO.toJson(unknown));
    }

    @Property(tries = 1000)
    void aDecodedChunkKeepsEveryUnknownFieldAndMakesNoneUp(@ForAll("completionObjects") Map<String, Object> json) {
        byte[] bytes = JsonValueIO.toJson(json).getBytes(StandardCharsets.UTF_8);
        ChatCompletionChunk chunk;
        try {
            chunk = ChunkCodec.read(bytes, bytes.length);
        } catch (IOException wrongShape) {
            return;
        }
        Map<String, Object> unknown = new LinkedHashMap<>(json);
        unknown.keySet().removeAll(COMPLETION_FIELDS);
        assertThat(JsonValueIO.toJson(chunk.additionalProperties())).isEqualTo(JsonValueIO.toJson(unknown));
    }

    @Property(tries = 200)
    void numbersNoDoubleCanHoldAreKeptAsSentAndCanBeWrittenBack(@ForAll("hugeNumbers") String number) throws IOException {
        String json = "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":"
                + number + "}},{\"function\":{\"name\":\"g\",\"arguments\":{\"a\":" + number + "}}}]}}],\"x\":" + number + "}";
        ChatCompletion c = JsonCodec.readCompletion(json.getBytes(StandardCharsets.UTF_8));
        assertThat(c.choices().get(0).message().toolCalls().get(0).function().arguments()).isEqualTo(number);
        assertThat(new java.math.BigDecimal(JsonValueIO.toJson(c.additionalProperties().get("x"))))
                .isEqualByComparingTo(new java.math.BigDecimal(number));
        assertThat(c.choices().get(0).message().toolCalls().get(1).function().arguments()).startsWith("{\"a\":");
    }

    @Provide
    Arbitrary<String> hugeNumbers() {
        return Arbitraries.of("1e999", "-1e999", "1.5e400", "-2E+309", "1e308", "0.5");
    }

    // ---- SSE parser and chunk decoding, as ChunkStream uses them

    @Property(tries = 1000)
    void arbitraryBytesInArbitraryReadsGiveEventsOrSseExceptionAndChunksOrIOException(
            @ForAll @Size(max = 800) byte[] bytes, @ForAll @IntRange(min = 1, max = 64) int readSize) {
        assertOnlyTyped(() -> parseStream(bytes, readSize, 256), SseException.class, IOException.class);
    }

    @Property(tries = 1000)
    void sseShapedNoiseGivesEventsOrSseExceptionAndChunksOrIOException(
            @ForAll("sseish") byte[] bytes, @ForAll @IntRange(min = 1, max = 64) int readSize) {
        assertOnlyTyped(() -> parseStream(bytes, readSize, 1 << 16), SseException.class, IOException.class);
    }

    @Property(tries = 1000)
    void mutatedChunksDecodeOrFailWithIOException(@ForAll("mutatedChunks") byte[] bytes) {
        assertOnlyIOException(() -> ChunkCodec.read(bytes, bytes.length));
    }

    @Property(tries = 20)
    void aHugeLineFailsAtTheEventLimitWithoutBufferingIt(@ForAll @IntRange(min = 16, max = 4096) int limit,
            @ForAll("hugeLinePrefixes") String prefix) {
        SseParser parser = new SseParser((type, data, length, id) -> { }, limit);
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] read = new byte[1024];
        java.util.Arrays.fill(read, (byte) 'x');
        long fed = 0;
        long started = System.nanoTime();
        Throwable failure = null;
        try {
            parser.feed(start, 0, start.length);
            fed += start.length;
            for (int i = 0; i < 64 * 1024 && failure == null; i++) { // up to 64 MiB, if it never failed
                parser.feed(read, 0, read.length);
                fed += read.length;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).isExactlyInstanceOf(SseException.class).hasMessageContaining("limit of " + limit + " bytes");
        assertThat(fed).as("bytes accepted before failing").isLessThanOrEqualTo(limit + read.length);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
    }

    /** Parses like ChunkStream: SSE events, [DONE] ends, each other data decoded as a chunk. */
    private static List<ChatCompletionChunk> parseStream(byte[] bytes, int readSize, int maxEvent) throws IOException {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        SseParser parser = new SseParser((type, data, length, id) -> {
            if (new String(data, 0, length, StandardCharsets.UTF_8).strip().equals("[DONE]")) {
                return;
            }
            try {
                chunks.add(ChunkCodec.read(data, length));
            } catch (IOException e) {
                failures.add(e);
            }
        }, maxEvent);
        for (int at = 0; at < bytes.length; at += readSize) {
            parser.feed(bytes, at, Math.min(readSize, bytes.length - at));
        }
        parser.finish();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return chunks;
    }

    // ---- generators

    @Provide
    Arbitrary<byte[]> jsonish() {
        return Arbitraries.of("{", "}", "[", "]", ":", ",", "\"id\"", "\"choices\"", "\"message\"", "\"content\"",
                "\"tool_calls\"", "\"function\"", "\"arguments\"", "\"usage\"", "\"index\"", "\"created\"",
                "\"prompt_tokens\"", "\"finish_reason\"", "\"delta\"", "\"error\"", "null", "true", "1", "-0", "1e999",
                "-1e-999", "99999999999999999999999", "1.5", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\\"\"", " ",
                "\u00e9", "\uFEFF", "/*", "'a'", "NaN").list().ofMaxSize(60).map(tokens ->
                        String.join("", tokens).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> mutatedCompletions() {
        return mutations(VALID.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> mutatedChunks() {
        return mutations(("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\",\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]},"
                + "\"finish_reason\":null}],\"usage\":null}").getBytes(StandardCharsets.UTF_8));
    }

    /** A valid document cut short, with a range removed, with a token inserted, or with bytes overwritten. */
    private static Arbitrary<byte[]> mutations(byte[] valid) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length);
        Arbitrary<String> token = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "null", "1e999", "{\"a\":[1,{}]}",
                "[[[[", "\\", "\u0000", "true");
        Arbitrary<byte[]> truncated = at.map(n -> java.util.Arrays.copyOf(valid, n));
        Arbitrary<byte[]> deleted = Combinators.combine(at, at).as((a, b) -> {
            int from = Math.min(a, b), to = Math.max(a, b);
            byte[] out = new byte[valid.length - (to - from)];
            System.arraycopy(valid, 0, out, 0, from);
            System.arraycopy(valid, to, out, from, valid.length - to);
            return out;
        });
        Arbitrary<byte[]> inserted = Combinators.combine(at, token).as((n, t) -> {
            String s = new String(valid, StandardCharsets.UTF_8);
            int cut = Math.min(n, s.length());
            return (s.substring(0, cut) + t + s.substring(cut)).getBytes(StandardCharsets.UTF_8);
        });
        Arbitrary<byte[]> overwritten = Combinators.combine(at, Arbitraries.bytes().array(byte[].class).ofMinSize(1)
                .ofMaxSize(4)).as((n, b) -> {
                    byte[] out = valid.clone();
                    for (int i = 0; i < b.length && n + i < out.length; i++) {
                        out[n + i] = b[i];
                    }
                    return out;
                });
        return Arbitraries.oneOf(truncated, deleted, inserted, overwritten);
    }

    @Provide
    Arbitrary<byte[]> sseish() {
        return Arbitraries.of("data: ", "data:", "event: error\n", "id: 1\n", ": keep-alive\n", "\n", "\r", "\r\n",
                "\n\n", "[DONE]", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", "{\"choices\":", "{", "}", "\u00e9",
                "\uFEFF", "retry: 10\n", "data: {\"error\":{\"message\":\"x\"}}\n\n", "\u0000").list().ofMaxSize(40)
                .map(tokens -> String.join("", tokens).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> hugeLinePrefixes() {
        return Arbitraries.of("", "data: ", "event: ", "id: ", ": comment ", "\uFEFFdata:", "data: a\ndata: ");
    }

    /** Objects with the completion's fields and unknown ones, each holding any JSON value. */
    @Provide
    Arbitrary<Map<String, Object>> completionObjects() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(List.copyOf(COMPLETION_FIELDS)),
                Arbitraries.of("prompt_filter_results", "timings", "x_extra", "kv_transfer_params", "_", "Id", ""));
        return Arbitraries.maps(keys, jsonValues(3)).ofMaxSize(8);
    }

    private static Arbitrary<Object> jsonValues(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.longs().map(n -> (Object) n),
                Arbitraries.doubles().between(-1e6, 1e6).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b)).injectNull(0.1);
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> inner = Arbitraries.lazy(() -> jsonValues(depth - 1));
        Arbitrary<String> keys = Arbitraries.of("index", "message", "content", "tool_calls", "function", "name",
                "arguments", "prompt_tokens", "finish_reason", "role", "a");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalars),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(3).map(l -> (Object) l)),
                net.jqwik.api.Tuple.of(2, Arbitraries.maps(keys, inner).ofMaxSize(4).map(m -> (Object) m)));
    }

    // ---- assertions

    @FunctionalInterface
    private interface Parse {
        Object run() throws Exception;
    }

    private static void assertOnlyIOException(Parse parse) {
        assertOnlyTyped(parse, IOException.class);
    }

    @SafeVarargs
    private static void assertOnlyTyped(Parse parse, Class<? extends Throwable>... allowed) {
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(parse::run);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        if (thrown != null) {
            assertThat(thrown).isInstanceOfAny(allowed);
        }
    }
}
