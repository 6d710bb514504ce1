package ai.synth.lm.internal.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * The one Jackson mapper behind structured answers and typed tool arguments: {@link TypeSchemas} describes types
 * through it, and answers are read back through it, so schema and reading agree on every property name.
 */
public final class StructuredJson {

    /**
     * Reads {@code Optional} (the Jdk8 module), refuses null for a primitive, and ignores properties the type
     * does not have (a backend without strict mode may add some).
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StructuredJson() {}

    /**
     * The JSON text read as {@code type}.
     *
     * @throws JsonProcessingException if it is not JSON or does not fit the type
     * @throws IllegalArgumentException if Jackson cannot make a {@code type} at all, whatever the text: a fault
     *     of the type (or of its module's {@code opens}), not of the model's output
     */
    public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
        try {
            return MAPPER.readValue(json, type);
        } catch (InvalidDefinitionException e) {
            String open = type.getModule().isNamed() ? " If the type is in a named module, open its package to"
                    + " Jackson: `opens " + type.getPackageName() + " to com.fasterxml.jackson.databind;` in "
                    + type.getModule().getName() + "'s module-info." : "";
            throw new IllegalArgumentException("Jackson cannot create a " + type.getName() + ": "
                    + e.getOriginalMessage() + "." + open, e);
        }
    }
}
