package ai.synth.lm;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The format the model's answer must take: {@link #text()}, {@link #jsonObject()} or a JSON schema
 * ({@link #jsonSchema(String, Map, Boolean)}), or a JSON schema derived from a Java type ({@link #of(Class)}).
 *
 * <pre>{@code
 * record Weather(String city, double temperatureC, List<String> warnings) {}
 *
 * ChatCompletionRequest request = ChatCompletionRequest.builder()
 *     .model("gpt-4o-mini")
 *     .messages(List.of(ChatMessage.user("Weather in Paris?")))
 *     .responseFormat(ResponseFormat.of(Weather.class))
 *     .build();
 * }</pre>
 *
 * Formats are immutable values and safe to share between threads.
 */
public sealed interface ResponseFormat permits ResponseFormat.Text, ResponseFormat.JsonObject, ResponseFormat.JsonSchema {

    /** Plain text, the default of every backend. */
    static Text text() {
        return Text.INSTANCE;
    }

    /** Any valid JSON object ("JSON mode"); tell the model in a message what the object should hold. */
    static JsonObject jsonObject() {
        return JsonObject.INSTANCE;
    }

    /**
     * A JSON document matching the schema.
     *
     * @param name 1 to 64 letters, digits, {@code _} or {@code -}
     * @param schema the JSON Schema, as nested maps and lists
     * @param strict whether the backend must follow the schema exactly (OpenAI's strict mode, which needs every
     *     property required and {@code additionalProperties: false}); null to leave it unset
     * @throws IllegalArgumentException if the name is not valid
     */
    static JsonSchema jsonSchema(String name, Map<String, ?> schema, Boolean strict) {
        return new JsonSchema(name, null, JsonValues.copyOf(schema), strict);
    }

    /**
     * A strict JSON schema derived from a record or class: its properties (as Jackson names them) become required
     * properties; {@code Optional} fields and fields annotated with an annotation named {@code Nullable} may be
     * null; nested records, lists, arrays, sets, enums, strings, numbers and booleans are described;
     * {@code @JsonPropertyDescription} and {@code @JsonClassDescription} become descriptions. The schema is named
     * after the class's simple name.
     *
     * @throws IllegalArgumentException naming the property whose type cannot be described in a strict schema
     *     (maps, {@code Object}, recursive types)
     */
    static JsonSchema of(Class<?> type) {
        Objects.requireNonNull(type, "type");
        return new JsonSchema(SchemaName.of(type), null, ai.synth.lm.internal.wire.TypeSchemas.derive(type), true);
    }

    /** The plain-text format ({@code {"type": "text"}}). */
    enum Text implements ResponseFormat {
        /** The only instance. */
        INSTANCE
    }

    /** JSON mode ({@code {"type": "json_object"}}). */
    enum JsonObject implements ResponseFormat {
        /** The only instance. */
        INSTANCE
    }

    /**
     * A JSON schema format ({@code {"type": "json_schema", "json_schema": {...}}}).
     *
     * @param name 1 to 64 letters, digits, {@code _} or {@code -}; never null
     * @param description what the answer is for, so the model knows; may be null
     * @param schema the JSON Schema, as nested maps and lists; never null
     * @param strict whether the backend must follow the schema exactly; null leaves it unset
     */
    record JsonSchema(String name, String description, Map<String, Object> schema, Boolean strict)
            implements ResponseFormat {

        private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException if the name is not 1 to 64 letters, digits, {@code _} or {@code -}
         */
        public JsonSchema {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid response format name \"" + name
                        + "\": use 1 to 64 letters, digits, '_' or '-' (e.g. \"weather_report\")");
            }
            Objects.requireNonNull(schema, "schema");
            schema = JsonValues.copyOf(schema);
        }

        /** This format with a description of what the answer is for. */
        public JsonSchema withDescription(String description) {
            return new JsonSchema(name, description, schema, strict);
        }
    }
}
