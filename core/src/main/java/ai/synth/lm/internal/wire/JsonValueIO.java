package ai.synth.lm.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Plain Java values (maps, lists, strings, numbers, booleans, null) to and from JSON. */
public final class JsonValueIO {
    private JsonValueIO() {}

    /** Reads the value starting at token {@code t} as unmodifiable maps and lists and plain scalars. */
    public static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ReadFields map = new ReadFields();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    map.add(name, read(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new IOException("unexpected end of JSON inside an array");
                    }
                    list.add(read(p, next));
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                return Double.isFinite(d) ? d : p.getDecimalValue(); // 1e999 is JSON, but Infinity cannot be sent back
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    /**
     * Puts a field into {@code map} (null, or a map this method returned), making the map on first use; returns the
     * map, a {@link ReadFields}.
     */
    static Map<String, Object> put(Map<String, Object> map, String name, Object value) {
        ReadFields m = map != null ? (ReadFields) map : new ReadFields();
        m.add(name, value);
        return m;
    }

    /** Writes a plain Java value; maps need string keys. */
    public static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            if ((n instanceof Double d && !Double.isFinite(d)) || (n instanceof Float f && !Float.isFinite(f))) {
                throw new IllegalArgumentException("Cannot send " + n + " as JSON: numbers must be finite");
            }
            g.writeNumber(n.toString());
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Object[] array) {
            write(g, List.of(array));
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            throw new IllegalArgumentException("Cannot send a " + value.getClass().getName()
                    + " as JSON: use maps, lists, strings, numbers, booleans or null");
        }
    }

    /** A plain Java value as JSON text. */
    public static String toJson(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonCodec.FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Parses JSON text into plain Java values. */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser p = JsonCodec.FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty body");
            }
            Object value = read(p, t);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
            return value;
        }
    }
}
