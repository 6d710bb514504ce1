package ai.synth.lm.internal.wire;

import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.Usage;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads stream chunks ({@code chat.completion.chunk}) in one pass, keeping unknown fields. */
public final class ChunkCodec {
    private ChunkCodec() {}

    /**
     * Reads one chunk from {@code length} bytes of {@code data}.
     *
     * @throws IOException if the bytes are not one JSON object
     */
    public static ChatCompletionChunk read(byte[] data, int length) throws IOException {
        return read(data, length, null);
    }

    /**
     * As {@link #read(byte[], int)}, with the chunk before it in the same stream remembered in {@code repeats} (or
     * null): the fields every chunk of a stream repeats (id, object, model, fingerprint) are compared with the
     * previous chunk's and, when equal, take its string instead of a new one; and one non-blocking parser reads
     * every chunk of the stream, fed each chunk's bytes in turn, instead of a parser (and its buffers and name
     * table) made for each chunk.
     */
    public static ChatCompletionChunk read(byte[] data, int length, Repeats repeats) throws IOException {
        if (repeats == null) {
            try (JsonParser p = JsonCodec.FACTORY.createParser(data, 0, length)) {
                ChatCompletionChunk chunk = read(p, null);
                if (p.nextToken() != null) {
                    throw new IOException("trailing data after the chunk's JSON object");
                }
                return chunk;
            }
        }
        JsonParser p = repeats.feed(data, length);
        try {
            ChatCompletionChunk chunk = read(p, repeats);
            if (p.currentToken() != JsonToken.END_OBJECT || !p.getParsingContext().inRoot()) {
                throw new IOException("the chunk's JSON object is incomplete");
            }
            if (p.nextToken() != JsonToken.NOT_AVAILABLE) {
                throw new IOException("trailing data after the chunk's JSON object");
            }
            return chunk;
        } catch (IOException | RuntimeException e) {
            repeats.dropParser(); // its state is unknown: the next chunk gets a new one
            throw e;
        }
    }

    private static ChatCompletionChunk read(JsonParser p, Repeats repeats) throws IOException {
        JsonCodec.expect(p, p.nextToken(), JsonToken.START_OBJECT);
        String id = null, object = null, model = null, fingerprint = null;
        long created = 0;
        List<ChatCompletionChunk.Choice> choices = List.of();
        Usage usage = null;
        Map<String, Object> extra = null; // made on the first unknown field: most objects have none
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = repeated(p, t, repeats == null ? null : repeats.id);
                case "object" -> object = repeated(p, t, repeats == null ? null : repeats.object);
                case "created" -> created = t == JsonToken.VALUE_NULL ? 0 : JsonCodec.scalar(p, t).getValueAsLong();
                case "model" -> model = repeated(p, t, repeats == null ? null : repeats.model);
                case "system_fingerprint" ->
                        fingerprint = repeated(p, t, repeats == null ? null : repeats.fingerprint);
                case "choices" -> choices = readChoices(p, t);
                case "usage" -> usage = t == JsonToken.VALUE_NULL ? null : JsonCodec.readUsage(p, t);
                default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, t));
            }
        }
        if (repeats != null) {
            repeats.id.set(id);
            repeats.object.set(object);
            repeats.model.set(model);
            repeats.fingerprint.set(fingerprint);
        }
        return new ChatCompletionChunk(id, object, created, model, choices, usage, fingerprint, extra);
    }

    /** The string at the parser, or {@code last}'s if the string there has the same characters (no new string). */
    private static String repeated(JsonParser p, JsonToken t, Last last) throws IOException {
        if (last != null && last.value != null && t == JsonToken.VALUE_STRING) {
            int length = p.getTextLength();
            if (length == last.chars.length) {
                int offset = p.getTextOffset();
                if (Arrays.equals(p.getTextCharacters(), offset, offset + length, last.chars, 0, length)) {
                    return last.value;
                }
            }
        }
        return JsonCodec.text(p, t);
    }

    /** One field a stream's chunks repeat: its last value, and that value's characters for a quick comparison. */
    private static final class Last {
        private String value;
        private char[] chars;

        private void set(String v) {
            if (v != value) { // a new string: the stream's value changed, or this is its first chunk
                value = v;
                chars = v == null ? null : v.toCharArray();
            }
        }
    }

    /**
     * What one stream's previous chunk said in the fields every chunk repeats, so that the next chunk can share
     * its strings. One per stream; confined to the thread that reads it, as the stream's events are.
     */
    public static final class Repeats {
        private final Last id = new Last();
        private final Last object = new Last();
        private final Last model = new Last();
        private final Last fingerprint = new Last();
        private JsonParser parser;

        /** The stream's parser (made on first use), fed {@code length} bytes of {@code data}. */
        private JsonParser feed(byte[] data, int length) throws IOException {
            if (parser == null) {
                parser = JsonCodec.FACTORY.createNonBlockingByteArrayParser();
            }
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(data, 0, length);
            return parser;
        }

        private void dropParser() {
            parser = null;
        }
    }

    private static List<ChatCompletionChunk.Choice> readChoices(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        JsonCodec.expect(p, t, JsonToken.START_ARRAY);
        ChatCompletionChunk.Choice first = null; // a stream's chunks nearly always carry one choice
        List<ChatCompletionChunk.Choice> choices = null;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            JsonCodec.expect(p, t, JsonToken.START_OBJECT);
            int index = first == null ? 0 : choices == null ? 1 : choices.size();
            ChatCompletionChunk.Delta delta = null;
            String finish = null;
            Map<String, Object> extra = null; // made on the first unknown field: most objects have none
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "index" -> index = JsonCodec.scalar(p, v).getValueAsInt(index);
                    case "delta" -> delta = v == JsonToken.VALUE_NULL ? null : readDelta(p, v);
                    case "finish_reason" -> finish = JsonCodec.text(p, v);
                    default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, v));
                }
            }
            ChatCompletionChunk.Choice choice = new ChatCompletionChunk.Choice(index, delta, finish, extra);
            if (first == null) {
                first = choice;
            } else {
                if (choices == null) {
                    choices = new ArrayList<>(4);
                    choices.add(first);
                }
                choices.add(choice);
            }
        }
        return choices != null ? choices : first != null ? List.of(first) : List.of();
    }

    private static ChatCompletionChunk.Delta readDelta(JsonParser p, JsonToken t) throws IOException {
        JsonCodec.expect(p, t, JsonToken.START_OBJECT);
        String role = null, content = null, refusal = null;
        List<ChatCompletionChunk.ToolCallDelta> calls = List.of();
        Map<String, Object> extra = null; // made on the first unknown field: most objects have none
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "role" -> role = JsonCodec.text(p, v);
                case "content" -> {
                    if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NULL) {
                        content = JsonCodec.text(p, v);
                    } else {
                        extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, v));
                    }
                }
                case "refusal" -> refusal = JsonCodec.text(p, v);
                case "tool_calls" -> calls = readToolCalls(p, v);
                default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, v));
            }
        }
        return new ChatCompletionChunk.Delta(role, content, refusal, calls, extra);
    }

    private static List<ChatCompletionChunk.ToolCallDelta> readToolCalls(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        JsonCodec.expect(p, t, JsonToken.START_ARRAY);
        List<ChatCompletionChunk.ToolCallDelta> calls = new ArrayList<>(1);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            JsonCodec.expect(p, t, JsonToken.START_OBJECT);
            Integer index = null;
            String id = null, type = null, name = null, arguments = null;
            Map<String, Object> extra = null; // made on the first unknown field: most objects have none
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "index" -> index = v == JsonToken.VALUE_NULL ? null : JsonCodec.scalar(p, v).getValueAsInt();
                    case "id" -> id = JsonCodec.text(p, v);
                    case "type" -> type = JsonCodec.text(p, v);
                    case "function" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            break;
                        }
                        JsonCodec.expect(p, v, JsonToken.START_OBJECT);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            if (f.equals("name")) {
                                name = JsonCodec.text(p, fv);
                            } else if (f.equals("arguments")) {
                                arguments = JsonCodec.argumentsText(p, fv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> extra = JsonValueIO.put(extra, field, JsonValueIO.read(p, v));
                }
            }
            calls.add(new ChatCompletionChunk.ToolCallDelta(index, id, type, name, arguments, extra));
        }
        return calls;
    }
}
