package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Checks JSON values against the schemas of OpenAI's published spec: types, enums, nullability, required
 * properties, and (stricter than the spec) no properties the schema does not declare. A small checker for the
 * subset of JSON Schema that these schemas use; {@code oneOf} is treated as {@code anyOf}.
 */
final class SpecSchemas {

    private final JsonNode schemas;

    private SpecSchemas(JsonNode schemas) {
        this.schemas = schemas;
    }

    static SpecSchemas load(Path spec) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024); // the spec is close to SnakeYAML's 3 MB default
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
        return new SpecSchemas(yaml.readTree(spec.toFile()).at("/components/schemas"));
    }

    /** Every way the value breaks the named schema; empty when it conforms. */
    List<String> violations(String schemaName, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(schemas.get(schemaName), value, schemaName, problems);
        return problems;
    }

    private void check(JsonNode declared, JsonNode value, String where, List<String> problems) {
        JsonNode schema = resolve(declared);
        if (value.isNull()) {
            if (!allowsNull(declared)) {
                problems.add(where + ": null is not allowed");
            }
            return;
        }
        for (String union : List.of("anyOf", "oneOf")) {
            if (schema.has(union)) {
                checkUnion(schema.get(union), value, where, problems);
            }
        }
        for (JsonNode part : schema.path("allOf")) {
            check(part, value, where, problems);
        }
        checkType(schema, value, where, problems);
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            problems.add(where + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isObject() && schema.has("properties")) {
            checkObject(schema, value, where, problems);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), where + "[" + i + "]", problems);
            }
        }
    }

    private void checkUnion(JsonNode variants, JsonNode value, String where, List<String> problems) {
        List<String> all = new ArrayList<>();
        for (JsonNode variant : variants) {
            List<String> mine = new ArrayList<>();
            check(variant, value, where, mine);
            if (mine.isEmpty()) {
                return;
            }
            all.addAll(mine);
        }
        problems.add(where + ": matches no variant " + all);
    }

    private void checkObject(JsonNode schema, JsonNode value, String where, List<String> problems) {
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(where + ": missing required property '" + required.asText() + "'");
            }
        }
        value.fieldNames().forEachRemaining(name -> {
            JsonNode property = schema.get("properties").get(name);
            if (property == null) {
                problems.add(where + ": property '" + name + "' is not in the schema");
            } else {
                check(property, value.get(name), where + "." + name, problems);
            }
        });
    }

    private static void checkType(JsonNode schema, JsonNode value, String where, List<String> problems) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return;
        }
        boolean ok = false;
        for (JsonNode option : type.isArray() ? type : List.of(type)) {
            ok |= hasType(value, option.asText());
        }
        if (!ok) {
            problems.add(where + ": " + value + " is not of type " + type);
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        switch (type) {
            case "string": return value.isTextual();
            case "integer": return value.isIntegralNumber();
            case "number": return value.isNumber();
            case "boolean": return value.isBoolean();
            case "array": return value.isArray();
            case "object": return value.isObject();
            default: return false;
        }
    }

    /** Whether null is allowed; {@code nullable} may sit beside a {@code $ref}, so it is read before resolving. */
    private boolean allowsNull(JsonNode declared) {
        if (declared.path("nullable").asBoolean(false)) {
            return true;
        }
        JsonNode schema = resolve(declared);
        if (schema.path("nullable").asBoolean(false) || "null".equals(schema.path("type").asText())) {
            return true;
        }
        for (String union : List.of("anyOf", "oneOf")) {
            for (JsonNode variant : schema.path(union)) {
                if (allowsNull(variant)) {
                    return true;
                }
            }
        }
        return false;
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            schema = schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema;
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
