package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a tool call's arguments, or a structured answer, from a JSON schema and the user's words: strings from the
 * text (a place-like property gets the words after " in " or " for "), numbers from the first number in the text,
 * booleans true, enums their first value, arrays one item, a nullable ({@code anyOf} with null) its other option.
 * Every declared property is filled, and every required one.
 */
final class ToolArguments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> PLACE_WORDS = Set.of("location", "city", "place", "country", "address",
            "destination", "town", "region");
    private static final String[] PLACE_MARKERS = {" in ", " for "};
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern PUNCTUATION = Pattern.compile("[?.!,;:\\n]");

    private ToolArguments() {
    }

    /** The arguments as a serialized JSON object, as {@code function.arguments} carries them. */
    static String fill(JsonNode schema, String userText) {
        return Json.string(object(schema, userText.trim()));
    }

    /** A JSON value conforming to the schema (an object for an object schema), filled from the user's words. */
    static JsonNode document(JsonNode schema, String userText) {
        return value("", schema, userText.trim());
    }

    private static ObjectNode object(JsonNode schema, String text) {
        ObjectNode arguments = Json.object();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            arguments.set(property.getKey(), value(property.getKey(), property.getValue(), text));
        }
        for (JsonNode required : schema.path("required")) {
            if (required.isTextual() && !arguments.has(required.textValue())) {
                arguments.put(required.textValue(), text);
            }
        }
        return arguments;
    }

    private static JsonNode value(String name, JsonNode schema, String text) {
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0).deepCopy();
        }
        for (String union : new String[] {"anyOf", "oneOf"}) {
            for (JsonNode option : schema.path(union)) {
                if (!"null".equals(option.path("type").asText())) {
                    return value(name, option, text);
                }
            }
        }
        switch (type(schema)) {
            case "integer":
                return NODES.numberNode(firstNumber(text).longValue());
            case "number":
                BigDecimal number = firstNumber(text);
                return number.scale() <= 0 ? NODES.numberNode(number.longValue()) : NODES.numberNode(number);
            case "boolean":
                return NODES.booleanNode(true);
            case "array":
                JsonNode items = schema.path("items");
                return items.isObject() ? NODES.arrayNode().add(value(name, items, text)) : NODES.arrayNode();
            case "object":
                return object(schema, text);
            default:
                return NODES.textNode(isPlace(name) ? place(text) : text);
        }
    }

    /** The schema's type; of a type list such as {@code ["string","null"]}, the first that is not null. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode option : type) {
                if (!"null".equals(option.asText())) {
                    return option.asText();
                }
            }
        }
        return type.asText("string");
    }

    private static BigDecimal firstNumber(String text) {
        Matcher matcher = NUMBER.matcher(text);
        return matcher.find() ? new BigDecimal(matcher.group()) : BigDecimal.ZERO;
    }

    private static boolean isPlace(String propertyName) {
        String lower = propertyName.toLowerCase(Locale.ROOT);
        return PLACE_WORDS.stream().anyMatch(lower::contains);
    }

    /** "What's the weather in Paris?" gives "Paris"; text without " in " or " for " is returned whole. */
    static String place(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String marker : PLACE_MARKERS) {
            int at = lower.indexOf(marker);
            if (at >= 0) {
                String rest = text.substring(at + marker.length());
                Matcher end = PUNCTUATION.matcher(rest);
                String place = (end.find() ? rest.substring(0, end.start()) : rest).trim();
                if (!place.isEmpty()) {
                    return place;
                }
            }
        }
        return text;
    }
}
