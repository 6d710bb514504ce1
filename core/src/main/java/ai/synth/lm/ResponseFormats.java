package ai.synth.lm;

import java.util.LinkedHashMap;
import java.util.Map;

/** The wire form of a {@link ResponseFormat}. */
final class ResponseFormats {
    private ResponseFormats() {}

    static Map<String, Object> toJson(ResponseFormat format) {
        if (format instanceof ResponseFormat.JsonSchema s) {
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("name", s.name());
            if (s.description() != null) {
                schema.put("description", s.description());
            }
            schema.put("schema", s.schema());
            if (s.strict() != null) {
                schema.put("strict", s.strict());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", "json_schema");
            json.put("json_schema", schema);
            return json;
        }
        return Map.of("type", format instanceof ResponseFormat.JsonObject ? "json_object" : "text");
    }
}
