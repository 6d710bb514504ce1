package ai.synth.lm.testserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

/** The one Jackson mapper of the backend, and the conversions it needs. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; null when it is not JSON at all (the caller answers 400). */
    static JsonNode parseOrNull(byte[] body) {
        try {
            return body.length == 0 ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree node", e);
        }
    }

    static String string(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree node", e);
        }
    }

    static Map<String, Object> toMap(byte[] body) {
        JsonNode node = parseOrNull(body);
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("the request body is not a JSON object: "
                    + new String(body, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() {
        }));
    }
}
