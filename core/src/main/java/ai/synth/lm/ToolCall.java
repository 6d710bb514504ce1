package ai.synth.lm;

import java.util.Map;
import java.util.Objects;

/**
 * A call the model asked for.
 *
 * @param id the call id, to quote in {@link ChatMessage#tool(String, String)}; never null
 * @param type the call type, {@code "function"}
 * @param function the function name and its arguments; never null
 * @param additionalProperties fields this type does not model; never null
 */
public record ToolCall(String id, String type, FunctionCall function, Map<String, Object> additionalProperties) {

    /** Validates the fields. */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        type = type == null ? "function" : type;
        Objects.requireNonNull(function, "function");
        additionalProperties = JsonValues.copyOf(additionalProperties);
    }

    /** A function call with the given id, name and JSON arguments. */
    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(id, "function", new FunctionCall(name, arguments), Map.of());
    }

    /**
     * The arguments read as {@code type}, e.g. the class given to {@link Tool#function(String, String, Class)}.
     *
     * @throws OutputParseException naming the tool and the call when the arguments do not read as the type; it
     *     carries the arguments text
     * @throws IllegalArgumentException if Jackson cannot create the type at all (e.g. its package is not open to
     *     Jackson)
     */
    public <P> P arguments(Class<P> type) {
        Objects.requireNonNull(type, "type");
        try {
            P parsed = ai.synth.lm.internal.wire.StructuredJson.read(function.arguments(), type);
            if (parsed != null) {
                return parsed;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new OutputParseException("The arguments of tool call " + id + " to \"" + function.name()
                    + "\" do not read as " + type.getSimpleName() + ": " + e.getOriginalMessage()
                    + ". The text is in rawText().", e, function.arguments(), type, null);
        }
        throw new OutputParseException("The arguments of tool call " + id + " to \"" + function.name()
                + "\" are JSON null, not a " + type.getSimpleName(), null, function.arguments(), type, null);
    }

    /**
     * The function a tool call names.
     *
     * @param name the function name; never null
     * @param arguments the arguments as raw JSON text, exactly as the model produced them (it may be invalid
     *     JSON: parse it defensively); never null
     */
    public record FunctionCall(String name, String arguments) {
        /** Validates the fields; null arguments become {@code "{}"}. */
        public FunctionCall {
            Objects.requireNonNull(name, "name");
            arguments = arguments == null ? "{}" : arguments;
        }
    }
}
