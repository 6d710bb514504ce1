package ai.synth.lm.internal.wire;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The fields of one JSON object as the codecs read it from the wire, in their order, explicit nulls kept: filled
 * while parsing, read-only once handed out. The model's records take such a map as it is, instead of copying it as
 * they copy any other map they are given, which saves two maps per streamed chunk (OpenAI's chunks carry fields the
 * model has no component for, such as {@code service_tier} and {@code logprobs}).
 *
 * <p>Most such objects have one or two fields: up to {@value #SMALL} live in two arrays searched in order (no hash
 * table, no entry objects); a larger object moves to a {@link LinkedHashMap}.
 */
public final class ReadFields extends AbstractMap<String, Object> {

    private static final int SMALL = 8;

    private String[] names = new String[2];
    private Object[] values = new Object[2];
    private int size;
    /** Every field once there are more than {@link #SMALL}; then the arrays are no longer used. */
    private Map<String, Object> large;

    ReadFields() {}

    /** Adds a field while parsing (a repeated name keeps its place and takes the later value); nothing else can. */
    void add(String name, Object value) {
        if (large != null) {
            large.put(name, value);
            return;
        }
        int i = indexOf(name);
        if (i >= 0) {
            values[i] = value;
        } else if (size == SMALL) {
            large = new LinkedHashMap<>();
            for (int j = 0; j < size; j++) {
                large.put(names[j], values[j]);
            }
            large.put(name, value);
            names = null;
            values = null;
        } else {
            if (size == names.length) {
                names = Arrays.copyOf(names, Math.min(SMALL, 2 * size));
                values = Arrays.copyOf(values, names.length);
            }
            names[size] = name;
            values[size] = value;
            size++;
        }
    }

    private int indexOf(Object name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (large != null) {
            return Collections.unmodifiableMap(large).entrySet();
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public Object get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }
}
