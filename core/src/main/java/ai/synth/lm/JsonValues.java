package ai.synth.lm;

import ai.synth.lm.internal.wire.ReadFields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of JSON object maps that keep explicit nulls (which {@code Map.copyOf} rejects). */
final class JsonValues {
    private JsonValues() {}

    static Map<String, Object> copyOf(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        if (map instanceof ReadFields read) {
            return read; // read from the wire and read-only since: no copy needed
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
