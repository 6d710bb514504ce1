package ai.synth.lm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks of request parameters too long to sit in {@link ChatCompletionRequest}'s constructor. */
final class RequestChecks {
    private RequestChecks() {}

    /** A copy of the metadata, checked against OpenAI's limits; null stays null. */
    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return null;
        }
        if (metadata.size() > 16) {
            throw new IllegalArgumentException("metadata takes at most 16 pairs, got " + metadata.size());
        }
        Map<String, String> copy = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.length() > 64) {
                throw new IllegalArgumentException("metadata keys must be 1 to 64 characters, got \"" + key + "\"");
            }
            if (value == null || value.length() > 512) {
                throw new IllegalArgumentException("metadata value of \"" + key + "\" must be a string of at most 512"
                        + " characters, was " + (value == null ? "null" : value.length() + " characters"));
            }
            copy.put(key, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    static void notBlank(String name, String value, String examples) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank: use " + examples + ", or null to leave it"
                    + " unset");
        }
    }
}
