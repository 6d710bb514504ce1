package ai.synth.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * OpenAI's published spec ({@code openapi.yaml}, named by {@code -Dopenai.spec}) with its component schemas
 * compiled by networknt json-schema-validator, so tests can check JSON against {@code #/components/schemas/<Name>}.
 *
 * <p>The spec says {@code openapi: 3.1.0}: its schemas are JSON Schema 2020-12 ({@code type: "null"} in
 * {@code anyOf}), with about a hundred OpenAPI 3.0 leftovers ({@code nullable: true}, some beside a {@code $ref}, as on
 * the stream chunk's {@code usage}, documented as null until the last chunk). 2020-12 has no {@code nullable}, and the
 * validator's own support misses it beside a {@code $ref}, so each is rewritten on load the way 3.0 meant it:
 * {@code anyOf: [<the schema>, {type: "null"}]}.
 * {@code discriminator} is read as an annotation: the spec's discriminators have no {@code mapping}, so taken as
 * assertions they would demand schema names ({@code ChatCompletionRequestUserMessage}) as {@code role} values;
 * {@code oneOf} still checks the variants. {@code x-} extensions, {@code example} and the like are annotations too.
 *
 * <p>Loaded once per JVM (the file is 3 MB); each named schema is compiled on first use and kept.
 *
 * <p>A copy of the testserver's own {@code OpenAISpec} (test classes are not shared between modules); keep the two
 * alike.
 */
final class OpenAISpec {

    static final String PROPERTY = "openai.spec";
    private static final String BASE = "urn:openai:openapi";
    private static OpenAISpec loaded;

    private final JsonNode names;
    private final JsonSchema document;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private OpenAISpec(JsonNode names, JsonSchema document) {
        this.names = names;
        this.document = document;
    }

    /**
     * The spec named by {@code -Dopenai.spec}, read on the first call. Without it the calling test is skipped (call
     * this from {@code @BeforeEach} so each test reports so), except under {@code CI=true}, where it fails: CI must run
     * these tests. A path that is set but names no file always fails.
     */
    static synchronized OpenAISpec fromSystemProperty() {
        String path = System.getProperty(PROPERTY, "");
        if (path.isBlank()) {
            String why = "-D" + PROPERTY + " is not set: pass the path of OpenAI's openapi.yaml to run the"
                    + " wire-format conformance tests (.ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why + "; CI=true, so they must run, not skip");
            }
            Assumptions.abort(why);
        }
        if (!Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + path + " names no file");
        }
        if (loaded == null) {
            loaded = load(Path.of(path));
        }
        return loaded;
    }

    static OpenAISpec load(Path spec) {
        readYamlModules();
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024); // the spec is close to SnakeYAML's 3 MB default
        JsonNode tree;
        try {
            tree = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build()).readTree(spec.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + spec, e);
        }
        allowNullWhereNullable(tree);
        // JSON Schema 2020-12 without the OpenAPI vocabulary, so discriminator stays an annotation (see above).
        JsonMetaSchema dialect = JsonMetaSchema.builder("https://spec.openapis.org/oas/3.1/dialect/base",
                        JsonMetaSchema.getV202012())
                .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.builder()
                .metaSchema(dialect)
                .defaultMetaSchemaIri(dialect.getIri())
                .schemaLoaders(loaders -> loaders.add(iri -> {
                    throw new IllegalStateException("the spec refers outside itself: " + iri);
                }))
                .build();
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build();
        return new OpenAISpec(tree.at("/components/schemas"), factory.getSchema(SchemaLocation.of(BASE), tree, config));
    }

    /**
     * The library's tests run inside its module ({@code ai.synth.lm}), where the YAML jars, being modules on the module
     * path, are not read; this module may add the edges itself. Nothing to do on the class path (the testserver).
     */
    private static void readYamlModules() {
        Module self = OpenAISpec.class.getModule();
        for (String name : List.of("com.fasterxml.jackson.dataformat.yaml", "org.yaml.snakeyaml")) {
            Module yaml = ModuleLayer.boot().findModule(name).orElse(null);
            if (yaml != null) {
                self.addReads(yaml); // caller-sensitive: must be called from code in this module
            }
        }
    }

    /** Rewrites each schema {@code {..., nullable: true}} as {@code {anyOf: [{...}, {type: "null"}]}}. */
    private static void allowNullWhereNullable(JsonNode node) {
        node.forEach(OpenAISpec::allowNullWhereNullable);
        if (node instanceof ObjectNode schema && schema.get("nullable") instanceof BooleanNode nullable) {
            ObjectNode inner = schema.deepCopy();
            inner.remove("nullable");
            schema.removeAll();
            if (nullable.booleanValue()) {
                schema.putArray("anyOf").add(inner).addObject().put("type", "null");
            } else {
                schema.setAll(inner);
            }
        }
    }

    /** Every way {@code value} breaks {@code #/components/schemas/<schemaName>}, sorted; empty when it conforms. */
    List<String> violations(String schemaName, JsonNode value) {
        if (!names.has(schemaName)) {
            throw new IllegalArgumentException("the spec has no schema named " + schemaName);
        }
        JsonSchema schema = schemas.computeIfAbsent(schemaName, name -> document.getRefSchema(
                SchemaLocation.of(BASE + "#/components/schemas/" + name).getFragment()));
        return schema.validate(value).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
