package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of a chat-completions request body that the simulator uses, validated the way OpenAI does:
 * a problem is a 400 {@link ApiError} naming the parameter. {@code format} is {@code text}, {@code json_object}
 * or {@code json_schema}, whose schema is {@code formatSchema} (else a missing node).
 */
record ChatRequest(String model, List<Message> messages, List<ToolSpec> tools, String toolChoice,
                   String forcedFunction, Integer maxTokens, int n, boolean stream, boolean includeUsage,
                   String format, JsonNode formatSchema) {

    /** One message; {@code text} is null when the content is null or absent. */
    record Message(String role, String text, String toolCallId, List<ToolCallRef> toolCalls) {
    }

    /** A tool call an earlier assistant message made, to name the tool a tool message answers. */
    record ToolCallRef(String id, String name) {
    }

    /** An offered function tool; {@code parameters} is a missing node when the tool declares none. */
    record ToolSpec(String name, String description, JsonNode parameters) {
    }

    private static final Set<String> CHOICES = Set.of("none", "auto", "required");

    static ChatRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "We could not parse the JSON body of your request. The body must be "
                    + "a JSON object (see the OpenAI chat completions API).", "invalid_json");
        }
        String model = model(body.get("model"));
        List<Message> messages = messages(body.get("messages"));
        List<ToolSpec> tools = tools(body.get("tools"));
        JsonNode choice = body.get("tool_choice");
        String forced = forcedFunction(choice, tools);
        String choiceWord = forced != null ? "function" : choice == null ? "auto" : choiceWord(choice, tools);
        Integer maxTokens = positive(body, "max_completion_tokens", Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = positive(body, "max_tokens", Integer.MAX_VALUE);
        }
        Integer n = positive(body, "n", 128);
        JsonNode format = body.path("response_format");
        return new ChatRequest(model, messages, tools, choiceWord,
                forced, maxTokens, n == null ? 1 : n, body.path("stream").booleanValue(),
                body.path("stream_options").path("include_usage").booleanValue(), formatType(format),
                format.path("json_schema").path("schema"));
    }

    private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");

    private static String formatType(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return "text";
        }
        String type = format.path("type").asText("");
        if (!FORMATS.contains(type)) {
            throw ApiError.invalid("response_format.type", "Invalid 'response_format.type': expected \"text\", "
                    + "\"json_object\" or \"json_schema\".", "invalid_value");
        }
        if (type.equals("json_schema") && !format.path("json_schema").path("name").isTextual()) {
            throw ApiError.missing("response_format.json_schema.name");
        }
        return type;
    }

    private static String model(JsonNode model) {
        if (model == null || model.isNull()) {
            throw ApiError.missing("model");
        }
        if (!model.isTextual() || model.textValue().isBlank()) {
            throw ApiError.invalid("model", "Invalid 'model': expected a non-empty string.", "invalid_value");
        }
        return model.textValue();
    }

    private static List<Message> messages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw ApiError.missing("messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "Invalid 'messages': expected a non-empty array of messages.",
                    messages.isArray() ? "empty_array" : "invalid_type");
        }
        List<Message> result = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.path("role").isTextual()) {
                throw ApiError.invalid("messages[" + i + "].role",
                        "Invalid 'messages[" + i + "]': each message needs a string 'role'.", "invalid_value");
            }
            result.add(new Message(message.get("role").textValue(), text(message.get("content")),
                    message.path("tool_call_id").asText(null), toolCalls(message.path("tool_calls"))));
        }
        return List.copyOf(result);
    }

    /** A string content as is; an array of content parts as its text parts joined by newlines. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (!content.isArray()) {
            return content.isTextual() ? content.textValue() : content.toString();
        }
        List<String> parts = new ArrayList<>();
        content.forEach(part -> {
            if (part.path("text").isTextual()) {
                parts.add(part.get("text").textValue());
            }
        });
        return String.join("\n", parts);
    }

    private static List<ToolCallRef> toolCalls(JsonNode calls) {
        List<ToolCallRef> refs = new ArrayList<>();
        calls.forEach(call -> refs.add(new ToolCallRef(call.path("id").asText(""),
                call.path("function").path("name").asText(""))));
        return List.copyOf(refs);
    }

    private static List<ToolSpec> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw ApiError.invalid("tools", "Invalid 'tools': expected an array of tools.", "invalid_type");
        }
        List<ToolSpec> result = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).path("function");
            if (!function.path("name").isTextual()) {
                throw ApiError.missing("tools[" + i + "].function.name");
            }
            result.add(new ToolSpec(function.get("name").textValue(), function.path("description").asText(""),
                    function.path("parameters")));
        }
        return List.copyOf(result);
    }

    private static String choiceWord(JsonNode choice, List<ToolSpec> tools) {
        if (!choice.isTextual() || !CHOICES.contains(choice.textValue())) {
            throw ApiError.invalid("tool_choice", "Invalid 'tool_choice': expected \"none\", \"auto\", "
                    + "\"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}.", "invalid_value");
        }
        if (choice.textValue().equals("required") && tools.isEmpty()) {
            throw ApiError.invalid("tool_choice", "Invalid 'tool_choice': \"required\" needs 'tools'.",
                    "invalid_value");
        }
        return choice.textValue();
    }

    private static String forcedFunction(JsonNode choice, List<ToolSpec> tools) {
        if (choice == null || !choice.isObject()) {
            return null;
        }
        String name = choice.path("function").path("name").asText("");
        if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
            throw ApiError.invalid("tool_choice", "Invalid 'tool_choice': no function named '" + name
                    + "' in 'tools'.", "invalid_value");
        }
        return name;
    }

    private static Integer positive(JsonNode body, String field, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1
                || value.intValue() > max) {
            throw ApiError.invalid(field, "Invalid '" + field + "': expected an integer from 1 to " + max
                    + ", got " + value + ".", "invalid_value");
        }
        return value.intValue();
    }
}
