package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Schema derivation for {@link ResponseFormat#of(Class)} and {@link Tool#function(String, String, Class)}. */
class ResponseFormatTest {

    /** Any annotation named Nullable marks a property that may be null, as JSpecify's and JSR 305's do. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER,
            ElementType.RECORD_COMPONENT})
    public @interface Nullable {}

    public enum Sky { CLEAR, CLOUDY, RAIN }

    public record Wind(double speedKmh, String direction) {}

    @JsonClassDescription("The weather at one place")
    public record Weather(
            @JsonPropertyDescription("The city, as the user named it") String city,
            int temperatureC,
            Sky sky,
            List<String> warnings,
            Wind wind,
            Optional<Wind> gusts,
            Optional<String> note,
            @Nullable Integer humidity,
            @JsonProperty("uv_index") long uvIndex,
            boolean daylight,
            Set<Sky> forecast) {}

    @Test
    void aRecordBecomesAStrictObjectSchemaWithEveryPropertyRequired() {
        ResponseFormat.JsonSchema format = ResponseFormat.of(Weather.class);

        assertThat(format.name()).isEqualTo("Weather");
        assertThat(format.strict()).isTrue();
        Map<String, Object> schema = format.schema();
        assertThat(schema).containsEntry("type", "object").containsEntry("description", "The weather at one place")
                .containsEntry("additionalProperties", false);
        assertThat(schema.get("required")).isEqualTo(List.of("city", "temperatureC", "sky", "warnings", "wind",
                "gusts", "note", "humidity", "uv_index", "daylight", "forecast"));
        assertThat(property(schema, "city")).isEqualTo(Map.of("type", "string",
                "description", "The city, as the user named it"));
        assertThat(property(schema, "temperatureC")).isEqualTo(Map.of("type", "integer"));
        assertThat(property(schema, "uv_index")).isEqualTo(Map.of("type", "integer"));
        assertThat(property(schema, "daylight")).isEqualTo(Map.of("type", "boolean"));
        assertThat(property(schema, "sky")).isEqualTo(Map.of("type", "string",
                "enum", List.of("CLEAR", "CLOUDY", "RAIN")));
        assertThat(property(schema, "warnings")).isEqualTo(Map.of("type", "array", "items", Map.of("type", "string")));
        assertThat(property(schema, "forecast")).isEqualTo(Map.of("type", "array", "items", Map.of("type", "string",
                "enum", List.of("CLEAR", "CLOUDY", "RAIN"))));
    }

    @Test
    void nestedRecordsAreStrictObjectsToo() {
        Map<String, Object> wind = Map.of("type", "object",
                "properties", Map.of("speedKmh", Map.of("type", "number"), "direction", Map.of("type", "string")),
                "required", List.of("speedKmh", "direction"), "additionalProperties", false);

        Map<String, Object> schema = ResponseFormat.of(Weather.class).schema();

        assertThat(property(schema, "wind")).isEqualTo(wind);
        assertThat(property(schema, "gusts")).isEqualTo(Map.of("anyOf", List.of(wind, Map.of("type", "null"))));
    }

    @Test
    void optionalAndNullableScalarsMayBeNull() {
        Map<String, Object> schema = ResponseFormat.of(Weather.class).schema();

        assertThat(property(schema, "note")).isEqualTo(Map.of("type", List.of("string", "null")));
        assertThat(property(schema, "humidity")).isEqualTo(Map.of("type", List.of("integer", "null")));
    }

    public record Maybe(Optional<Sky> sky) {}

    @Test
    void aNullableEnumListsNullAmongItsValues() {
        Map<String, Object> sky = property(ResponseFormat.of(Maybe.class).schema(), "sky");

        assertThat(sky.get("type")).isEqualTo(List.of("string", "null"));
        assertThat(sky.get("enum")).isEqualTo(java.util.Arrays.asList("CLEAR", "CLOUDY", "RAIN", null));
    }

    /** A JavaBean: Jackson's view (getters) names the properties. */
    public static final class Reading {
        private String station;
        private double value;

        public String getStation() {
            return station;
        }

        public void setStation(String station) {
            this.station = station;
        }

        public double getValue() {
            return value;
        }

        public void setValue(double value) {
            this.value = value;
        }
    }

    @Test
    void aBeanIsDescribedByItsProperties() {
        Map<String, Object> schema = ResponseFormat.of(Reading.class).schema();

        assertThat(schema.get("required")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("station", "value");
        assertThat(property(schema, "value")).isEqualTo(Map.of("type", "number"));
    }

    public record WithMap(Map<String, Integer> counts) {}

    public record Node(String name, List<Node> children) {}

    public record Anything(Object value) {}

    public record Empty() {}

    @Test
    void typesAStrictSchemaCannotStateAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> ResponseFormat.of(WithMap.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot derive a JSON schema from " + WithMap.class.getName() + ": WithMap.counts is a Map;"
                        + " a strict schema names every property: use a record, or a list of key-value records");
        assertThatThrownBy(() -> ResponseFormat.of(Node.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Node.children[] is Node, which contains itself");
        assertThatThrownBy(() -> ResponseFormat.of(Anything.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Anything.value is Object; use a concrete record or class");
        assertThatThrownBy(() -> ResponseFormat.of(Empty.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("which has no properties Jackson can see");
    }

    @Test
    void theRootMustBeAnObject() {
        assertThatThrownBy(() -> ResponseFormat.of(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("java.lang.String cannot be the root of a structured answer: the root of a strict schema is"
                        + " an object. Use a record or class with properties (wrap a list or a value in a record)");
        assertThatThrownBy(() -> ResponseFormat.of(List.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWireFormOfEachFormat() {
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().model("m")
                .messages(List.of(ChatMessage.user("Hi")));

        assertThat(b.responseFormat(ResponseFormat.text()).build().responseFormat()).isEqualTo(Map.of("type", "text"));
        assertThat(b.responseFormat(ResponseFormat.jsonObject()).build().responseFormat())
                .isEqualTo(Map.of("type", "json_object"));
        assertThat(b.responseFormat(ResponseFormat.jsonSchema("w", Map.of("type", "object"), null)
                .withDescription("d")).build().responseFormat()).isEqualTo(Map.of("type", "json_schema",
                        "json_schema", Map.of("name", "w", "description", "d", "schema", Map.of("type", "object"))));
        assertThat(b.responseFormat((ResponseFormat) null).build().responseFormat()).isNull();
    }

    @Test
    void aSchemaNameMustSuitTheApi() {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("my schema", Map.of(), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid response format name \"my schema\": use 1 to 64 letters, digits, '_' or '-'"
                        + " (e.g. \"weather_report\")");
    }

    @Test
    void aToolFromAClassIsStrictWithTheDerivedSchema() {
        Tool tool = Tool.function("report", "Report the weather", Wind.class);

        assertThat(tool.function().strict()).isTrue();
        assertThat(tool.function().parameters()).isEqualTo(ResponseFormat.of(Wind.class).schema());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> property(Map<String, Object> schema, String name) {
        return (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
    }
}
