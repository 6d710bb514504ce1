package ai.synth.lm;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call. Only function tools exist today.
 *
 * <pre>{@code
 * Tool weather = Tool.function("get_weather", "Get weather for a location", Map.of(
 *     "type", "object",
 *     "properties", Map.of("location", Map.of("type", "string")),
 *     "required", List.of("location")));
 * }</pre>
 *
 * @param type the tool type, {@code "function"}
 * @param function the function definition; never null
 */
public record Tool(String type, Function function) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** Validates the fields. */
    public Tool {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
    }

    /**
     * A function tool.
     *
     * @param name 1 to 64 letters, digits, {@code _} or {@code -}
     * @param description what the function does, so the model knows when to call it; may be null
     * @param parameters the JSON Schema of the arguments, as nested maps and lists; may be null for a function
     *     without parameters
     * @throws IllegalArgumentException if the name is not valid
     */
    public static Tool function(String name, String description, Map<String, ?> parameters) {
        return new Tool("function", new Function(name, description, JsonValues.copyOf(parameters), null));
    }

    /**
     * A function tool whose parameters are described by a record or class: the parameters schema is derived as
     * {@link ResponseFormat#of(Class)} derives one, and the tool is strict. Read a call's arguments back with
     * {@link ToolCall#arguments(Class)}.
     *
     * <pre>{@code
     * record WeatherQuery(String location, Optional<String> unit) {}
     *
     * Tool weather = Tool.function("get_weather", "Get weather for a location", WeatherQuery.class);
     * WeatherQuery query = call.arguments(WeatherQuery.class);
     * }</pre>
     *
     * @throws IllegalArgumentException if the name is not valid, or no schema can be derived from the type
     */
    public static Tool function(String name, String description, Class<?> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        return new Tool("function", new Function(name, description,
                ai.synth.lm.internal.wire.TypeSchemas.derive(parameters), true));
    }

    /**
     * A function definition.
     *
     * @param name 1 to 64 letters, digits, {@code _} or {@code -}
     * @param description what the function does; may be null
     * @param parameters the JSON Schema of the arguments; may be null
     * @param strict whether the backend must follow the schema exactly; null to leave it unset
     */
    public record Function(String name, String description, Map<String, Object> parameters, Boolean strict) {

        /**
         * Validates the name and copies the schema.
         *
         * @throws IllegalArgumentException if the name is not 1 to 64 letters, digits, {@code _} or {@code -}
         */
        public Function {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid tool name \"" + name
                        + "\": use 1 to 64 letters, digits, '_' or '-' (e.g. \"get_weather\")");
            }
            parameters = parameters == null ? null : JsonValues.copyOf(parameters);
        }
    }
}
