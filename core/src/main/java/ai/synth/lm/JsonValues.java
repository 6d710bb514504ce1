package ai.synth.lm;

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
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
