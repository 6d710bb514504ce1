package ai.synth.lm.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Feeds bytes to an {@link SseParser} in given pieces and records the events it dispatches. */
final class Events {

    /** One dispatched event, with the data decoded as UTF-8. */
    record Event(String type, String data, String id) {
        static Event data(String data) {
            return new Event(null, data, null);
        }
    }

    final List<Event> events = new ArrayList<>();
    final SseParser parser;

    Events(int maxEventBytes) {
        parser = new SseParser((type, data, length, id) ->
                events.add(new Event(type, new String(data, 0, length, StandardCharsets.UTF_8), id)), maxEventBytes);
    }

    Events() {
        this(1 << 20);
    }

    /** Feeds each piece as one read. */
    Events feed(byte[]... pieces) {
        for (byte[] piece : pieces) {
            parser.feed(piece, 0, piece.length);
        }
        return this;
    }

    Events feed(String... pieces) {
        for (String piece : pieces) {
            feed(piece.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    /** Feeds {@code bytes} cut at the given ascending offsets, then finishes. */
    static List<Event> parse(byte[] bytes, int[] cuts) {
        Events e = new Events();
        int from = 0;
        for (int cut : cuts) {
            e.parser.feed(bytes, from, cut - from);
            from = cut;
        }
        e.parser.feed(bytes, from, bytes.length - from);
        e.parser.finish();
        return e.events;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
