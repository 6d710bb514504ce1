package ai.synth.lm.internal.wire;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one JSON object as the codecs read it from the wire, in their order, explicit nulls kept: filled
 * while parsing, read-only once handed out. The model's records take such a map as it is, instead of copying it as
 * they copy any other map they are given, which saves two maps per streamed chunk (OpenAI's chunks carry fields the
 * model has no component for, such as {@code service_tier} and {@code logprobs}).
 */
public final class ReadFields extends AbstractMap<String, Object> {

    private final Map<String, Object> fields = new LinkedHashMap<>(4);
    private final Map<String, Object> view = Collections.unmodifiableMap(fields);

    ReadFields() {}

    /** Adds a field while parsing; nothing outside this package can. */
    void add(String name, Object value) {
        fields.put(name, value);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return view.entrySet();
    }

    @Override
    public Object get(Object key) {
        return fields.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return fields.containsKey(key);
    }

    @Override
    public int size() {
        return fields.size();
    }
}
