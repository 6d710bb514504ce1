package ai.synth.lm.internal.wire;

import static ai.synth.lm.internal.wire.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.wire.Events.Event;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseParserTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LF", "CR", "CRLF"})
    void splitsEventsOnEveryLineEnding(String name) {
        String eol = name.replace("CR", "\r").replace("LF", "\n");
        String stream = "data: a" + eol + eol + "data: b" + eol + "data: c" + eol + eol;

        assertThat(new Events().feed(stream).events).containsExactly(Event.data("a"), Event.data("b\nc"));
    }

    @Test
    void acceptsMixedLineEndingsInOneStream() {
        String stream = "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r";

        assertThat(new Events().feed(stream).events).containsExactly(Event.data("a\nb\nc"), Event.data("d"));
    }

    @Test
    void crAndItsLfInTwoReadsEndOneLineNotTwo() {
        // Were the LF taken as a second, empty line, "a" would be dispatched alone before "b".
        Events e = new Events().feed("data: a\r", "\ndata: b\r", "\n\r", "\n");

        assertThat(e.events).containsExactly(Event.data("a\nb"));
    }

    @Test
    void crAtTheEndOfAReadThenAnotherCrIsABlankLine() {
        Events e = new Events().feed("data: a\r", "\r", "data: b\r\n", "\r\n");

        assertThat(e.events).containsExactly(Event.data("a"), Event.data("b"));
    }

    @Test
    void utf8CharacterSplitAcrossReadsAtEveryByte() {
        byte[] stream = utf8("data: {\"t\":\"h\u00e9llo \u20ac \uD83D\uDE00 \u4e2d\"}\n\n");
        for (int cut = 1; cut < stream.length; cut++) {
            Events e = new Events().feed(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut, stream.length));

            assertThat(e.events).as("cut at %d", cut)
                    .containsExactly(Event.data("{\"t\":\"h\u00e9llo \u20ac \uD83D\uDE00 \u4e2d\"}"));
        }
    }

    @Test
    void skipsALeadingBom() {
        assertThat(new Events().feed("\uFEFFdata: a\n\n").events).containsExactly(Event.data("a"));
    }

    @Test
    void skipsALeadingBomSplitAcrossReads() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Events e = new Events().feed(new byte[] {bom[0]}, new byte[] {bom[1]}, new byte[] {bom[2], 'd'}, utf8("ata: a\n\n"));

        assertThat(e.events).containsExactly(Event.data("a"));
    }

    @Test
    void aBomLaterInTheStreamIsNotSkipped() {
        // A second BOM belongs to the field name, which is then unknown and ignored.
        Events e = new Events().feed("\uFEFF\uFEFFdata: a\n\ndata: b\n\n\uFEFFdata: c\n\n");

        assertThat(e.events).containsExactly(Event.data("b"));
    }

    @Test
    void ignoresCommentLinesAndKeepAlives() {
        Events e = new Events().feed(": keep-alive\n\n:\n\ndata: a\n: OPENROUTER PROCESSING\ndata: b\n\n:ping\r\n\r\n");

        assertThat(e.events).containsExactly(Event.data("a\nb"));
    }

    @Test
    void joinsMultiLineDataWithLfAndStripsOneSpaceOnly() {
        Events e = new Events().feed("data: {\"a\":\ndata:1}\ndata\ndata:  two spaces\n\n");

        assertThat(e.events).containsExactly(Event.data("{\"a\":\n1}\n\n two spaces"));
    }

    @Test
    void readsEventTypeAndIdTheTypeForOneEventTheIdUntilChanged() {
        Events e = new Events().feed("event: error\nid: 7\ndata: x\n\ndata: y\n\nid\ndata: z\n\n");

        assertThat(e.events).containsExactly(new Event("error", "x", "7"), new Event(null, "y", "7"),
                new Event(null, "z", ""));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndForgetsItsType() {
        Events e = new Events().feed("event: ping\n\ndata: x\n\nretry: 10\nfoo: bar\nid: a\u0000b\ndata: y\n\n");

        assertThat(e.events).containsExactly(Event.data("x"), Event.data("y"));
    }

    @Test
    void keepsLineSeparatorsInsideJsonStrings() {
        String json = "{\"choices\":[{\"delta\":{\"content\":\"a\u2028b\u2029c\u0085d\u000be\"}}]}";

        assertThat(new Events().feed("data: " + json + "\n\n").events).containsExactly(Event.data(json));
    }

    @Test
    void readsAnEventOfSeveralMebibytesInSmallReads() {
        char[] text = new char[5 * 1024 * 1024];
        Arrays.fill(text, 'x');
        byte[] stream = utf8("data: {\"content\":\"" + new String(text) + "\"}\n\ndata: [DONE]\n\n");
        Events e = new Events(16 * 1024 * 1024);
        for (int from = 0; from < stream.length; from += 16 * 1024) {
            e.parser.feed(stream, from, Math.min(16 * 1024, stream.length - from));
        }

        assertThat(e.events).hasSize(2);
        assertThat(e.events.get(0).data()).hasSize(text.length + 14).startsWith("{\"content\":\"xxx").endsWith("xx\"}");
        assertThat(e.events.get(1)).isEqualTo(Event.data("[DONE]"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"data: last", "data: last\n", "data: last\r", "data: last\r\n", "data: la\ndata: st"})
    void finishDispatchesALastEventWithoutTrailingBlankLine(String tail) {
        Events e = new Events().feed("data: first\n\n" + tail);
        e.parser.finish();

        assertThat(e.events.get(0)).isEqualTo(Event.data("first"));
        assertThat(e.events.get(1).data()).isIn("last", "la\nst");
        assertThat(e.events).hasSize(2);
    }

    @Test
    void finishAfterACompleteEventDispatchesNothingMore() {
        Events e = new Events().feed("data: a\n\n: bye\n");
        assertThat(e.parser.hasPartialEvent()).isFalse();
        e.parser.finish();

        assertThat(e.events).containsExactly(Event.data("a"));
    }

    @Test
    void reportsAPartialEvent() {
        Events e = new Events().feed("data: a\n\ndata: {\"id\":");

        assertThat(e.parser.hasPartialEvent()).isTrue();
        e.feed("1}\n");
        assertThat(e.parser.hasPartialEvent()).isTrue();
        e.feed("\n");
        assertThat(e.parser.hasPartialEvent()).isFalse();
    }

    @Test
    void aLineOverTheLimitFails() {
        Events e = new Events(1024);
        e.feed("data: " + "x".repeat(1000));

        assertThatThrownBy(() -> e.feed("x".repeat(100))).isInstanceOf(SseException.class)
                .hasMessageContaining("larger than the limit of 1024 bytes");
    }

    @Test
    void anEventOfManyShortLinesOverTheLimitFails() {
        Events e = new Events(1024);

        assertThatThrownBy(() -> e.feed("data: 0123456789\n".repeat(100))).isInstanceOf(SseException.class)
                .hasMessage("An SSE event is larger than the limit of 1024 bytes");
        assertThat(e.events).isEmpty();
    }

    @Test
    void eventsJustUnderTheLimitPass() {
        Events e = new Events(1024);
        for (int i = 0; i < 3; i++) {
            e.feed("data: " + "y".repeat(1000) + "\n\n"); // the limit is per event, not per stream
        }

        assertThat(e.events).hasSize(3);
    }

    @Test
    void readsHeapDirectAndOffsetByteBuffers() {
        byte[] bytes = utf8("##data: a\n\ndata: b\n\n");
        ByteBuffer sliced = ByteBuffer.wrap(bytes, 2, bytes.length - 2).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length - 2).put(bytes, 2, bytes.length - 2).flip();
        Events heap = new Events();
        Events off = new Events();
        heap.parser.feed(sliced);
        off.parser.feed(direct);

        assertThat(sliced.hasRemaining()).isFalse();
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(heap.events).isEqualTo(off.events).containsExactly(Event.data("a"), Event.data("b"));
    }

    @Test
    void oneByteAtATimeGivesTheSameEvents() {
        byte[] stream = utf8("\uFEFF: hi\r\nevent: x\r\ndata: \u00e9\r\n\r\ndata: {\"a\":1}\r\rdata: [DONE]\n\n");
        int[] everyByte = new int[stream.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);

        List<Event> events = Events.parse(stream, everyByte);

        assertThat(events).isEqualTo(Events.parse(stream, new int[0]))
                .containsExactly(new Event("x", "\u00e9", null), Event.data("{\"a\":1}"), Event.data("[DONE]"));
    }
}
