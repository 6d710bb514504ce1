package ai.synth.lm.internal.wire;

import static ai.synth.lm.internal.wire.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.wire.Events.Event;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the reads look like, a valid stream parses to the same events. */
class SseParserProperties {

    /** Captures in the shapes real backends send, each with its events as parsed in one read. */
    static final List<String> RECORDED = List.of(
            // OpenAI: LF, a role chunk, content, finish, usage, [DONE]
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                    + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Gr\u00fc\u00df "
                    + "\u4e16\u754c \uD83D\uDE00\"}}]}\n\n"
                    + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                    + "\"total_tokens\":5}}\n\n"
                    + "data: [DONE]\n\n",
            // a proxy: CRLF, keep-alive comments, a BOM, a line separator inside a JSON string
            "\uFEFF: OPENROUTER PROCESSING\r\n\r\n: OPENROUTER PROCESSING\r\n\r\n"
                    + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\u2028b\u2029c\"}}]}\r\n\r\n"
                    + ":\r\n"
                    + "event: delta\r\nid: 42\r\ndata: {\"choices\":[{\"index\":0,\r\ndata: \"delta\":{},\r\n"
                    + "data: \"finish_reason\":\"length\"}]}\r\n\r\n"
                    + "data: [DONE]\r\n\r\n",
            // tool calls in pieces, two calls interleaved, CR line ends, event and id fields, multi-line data
            "event: message\rid: 1\rdata: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\r\r"
                    + "id: 2\rdata: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\r"
                    + "data: \"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}}]}}]}\r\r"
                    + "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                    + "\"{\\\"city\\\":\\\"K\u00f8benhavn\\\"}\"}}]}}]}\r\r"
                    + "event: error\rdata: {\"error\":{\"message\":\"overloaded\"}}\r\r"
                    + "data: [DONE]",
            // a last event without a trailing blank line, ending in a lone CR
            "retry: 3000\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"\u00e9\"},\"finish_reason\":\"stop\"}]}\r");

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE) // edge cases would use up the tries on a few splits
    void anySplitOfARecordedStreamGivesTheSameEvents(@ForAll("recordedSplits") Split split) {
        assertThat(Events.parse(split.bytes, split.cuts)).isEqualTo(Events.parse(split.bytes, new int[0]));
    }

    @Property(tries = 1000)
    void anySplitOfAGeneratedStreamGivesItsEvents(@ForAll("generatedSplits") Generated generated) {
        assertThat(Events.parse(generated.split.bytes, generated.split.cuts)).isEqualTo(generated.events);
    }

    @Provide
    Arbitrary<Split> recordedSplits() {
        return Arbitraries.of(RECORDED).map(Events::utf8).flatMap(SseParserProperties::splits);
    }

    @Provide
    Arbitrary<Generated> generatedSplits() {
        return streams().flatMap(g -> splits(g.split.bytes).map(s -> new Generated(s, g.events)));
    }

    /** The bytes and where to cut them into reads. */
    record Split(byte[] bytes, int[] cuts) {
        @Override
        public String toString() {
            return java.util.Arrays.toString(cuts) + " of " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    /** A generated stream, split, with the events it must give. */
    record Generated(Split split, List<Event> events) {}

    private static Arbitrary<Split> splits(byte[] bytes) {
        Arbitrary<int[]> cuts = Arbitraries.integers().between(0, bytes.length).list().ofMaxSize(Math.min(40, bytes.length))
                .map(list -> list.stream().mapToInt(Integer::intValue).sorted().toArray());
        Arbitrary<int[]> small = Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(bytes.length)
                .map(steps -> { // many tiny reads, as a slow network delivers them
                    int[] out = new int[steps.size()];
                    int at = 0;
                    for (int i = 0; i < out.length; i++) {
                        at = Math.min(bytes.length, at + steps.get(i));
                        out[i] = at;
                    }
                    return out;
                });
        return Arbitraries.oneOf(cuts, small).map(c -> new Split(bytes, c));
    }

    private static Arbitrary<Generated> streams() {
        Arbitrary<String> text = Arbitraries.of("a", "Z", "0", " ", ":", "{", "}", "\"", "\\n", "\u00e9", "\u20ac",
                "\u4e2d", "\uD83D\uDE00", "\u2028", "\u2029", "\u0085", "data", "[DONE]").list().ofMaxSize(12)
                .map(tokens -> String.join("", tokens));
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        Arbitrary<List<String>> lines = text.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<RawEvent> event = Combinators.combine(word.injectNull(0.7), word.injectNull(0.7), lines,
                Arbitraries.integers().between(0, 4).map(n -> n == 0)).as(RawEvent::new);
        Arbitrary<String> eol = Arbitraries.of("\n", "\r", "\r\n");
        return Combinators.combine(event.list().ofMinSize(1).ofMaxSize(6), eol, Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(SseParserProperties::render);
    }

    /** One event as written: optional {@code event} and {@code id}, data lines, and maybe a comment before it. */
    record RawEvent(String type, String id, List<String> data, boolean comment) {}

    private static Generated render(List<RawEvent> raw, String eol, boolean bom, boolean trailingBlankLine) {
        StringBuilder s = new StringBuilder(bom ? "\uFEFF" : "");
        List<Event> expected = new ArrayList<>();
        String lastId = null;
        for (int i = 0; i < raw.size(); i++) {
            RawEvent e = raw.get(i);
            if (e.comment()) {
                s.append(": keep-alive").append(eol);
            }
            if (e.type() != null) {
                s.append("event: ").append(e.type()).append(eol);
            }
            if (e.id() != null) {
                s.append("id:").append(e.id()).append(eol);
                lastId = e.id();
            }
            for (String line : e.data()) {
                s.append("data: ").append(line).append(eol);
            }
            if (i < raw.size() - 1 || trailingBlankLine) {
                s.append(eol);
            }
            expected.add(new Event(e.type(), String.join("\n", e.data()), lastId));
        }
        byte[] bytes = utf8(s.toString());
        return new Generated(new Split(bytes, new int[0]), expected);
    }

    /**
     * The word-at-a-time line-end search finds what a byte-by-byte one finds, among the bytes most likely to fool it:
     * CR and LF, their neighbours, and the same with the high bit set.
     */
    @Property(tries = 2000)
    void theLineEndSearchFindsTheFirstCrOrLf(@ForAll("trickyBytes") byte[] bytes, @ForAll("fractions") double from) {
        int start = (int) (from * bytes.length);
        int expected = bytes.length;
        for (int k = start; k < bytes.length; k++) {
            if (bytes[k] == '\n' || bytes[k] == '\r') {
                expected = k;
                break;
            }
        }
        assertThat(SseParser.lineEnd(bytes, start, bytes.length)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<byte[]> trickyBytes() {
        return Arbitraries.of((byte) 0x0A, (byte) 0x0D, (byte) 0x0B, (byte) 0x0C, (byte) 0x09, (byte) 0x00,
                (byte) 0x8A, (byte) 0x8D, (byte) 0x8B, (byte) 0xFF, (byte) 0x01, (byte) 'a', (byte) 0x0E)
                .array(byte[].class).ofMinSize(0).ofMaxSize(40)
                .map(b -> b); // as generated: the search runs on the array's own bounds
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }
}
