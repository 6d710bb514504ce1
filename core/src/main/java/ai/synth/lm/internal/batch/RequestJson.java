package ai.synth.lm.internal.batch;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.ContentPart;
import ai.synth.lm.Tool;
import ai.synth.lm.ToolCall;
import ai.synth.lm.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a chat-completions request body (as parsed JSON values) into a {@link ChatCompletionRequest}: the typed
 * parameters by name, every other top-level field passed through as given. Errors name the field, never its value,
 * since a body may hold anything.
 */
final class RequestJson {
    private RequestJson() {}

    /**
     * The request, with {@code model} replacing the body's model when not null.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong type
     */
    static ChatCompletionRequest read(Map<String, Object> body, String model) {
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder();
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            switch (e.getKey()) {
                case "model" -> b.model(string("model", v));
                case "messages" -> b.messages(messages(v));
                case "temperature" -> b.temperature(number("temperature", v).doubleValue());
                case "top_p" -> b.topP(number("top_p", v).doubleValue());
                case "max_tokens" -> b.maxTokens(number("max_tokens", v).intValue());
                case "max_completion_tokens" -> b.maxCompletionTokens(number("max_completion_tokens", v).intValue());
                case "n" -> b.n(number("n", v).intValue());
                case "stop" -> b.stop(v instanceof String s ? List.of(s) : strings("stop", v));
                case "presence_penalty" -> b.presencePenalty(number("presence_penalty", v).doubleValue());
                case "frequency_penalty" -> b.frequencyPenalty(number("frequency_penalty", v).doubleValue());
                case "seed" -> b.seed(number("seed", v).longValue());
                case "user" -> b.user(string("user", v));
                case "tools" -> b.tools(tools(v));
                case "tool_choice" -> b.toolChoice(toolChoice(v));
                case "parallel_tool_calls" -> b.parallelToolCalls(bool("parallel_tool_calls", v));
                case "response_format" -> b.responseFormat(object("response_format", v));
                case "logprobs" -> b.logprobs(bool("logprobs", v));
                case "top_logprobs" -> b.topLogprobs(number("top_logprobs", v).intValue());
                case "metadata" -> b.metadata(stringMap(v));
                case "service_tier" -> b.serviceTier(string("service_tier", v));
                case "reasoning_effort" -> b.reasoningEffort(string("reasoning_effort", v));
                case "stream" -> {
                    if (Boolean.TRUE.equals(v)) {
                        throw new IllegalArgumentException("\"stream\": true is not supported in a batch; remove it");
                    }
                }
                case "stream_options" -> { }
                default -> extra.put(e.getKey(), v);
            }
        }
        if (model != null) {
            b.model(model);
        } else if (!(body.get("model") instanceof String)) {
            throw new IllegalArgumentException("the body names no \"model\": add one, or give the runner a model");
        }
        return b.extraBody(extra).build();
    }

    private static List<ChatMessage> messages(Object v) {
        List<ChatMessage> out = new ArrayList<>();
        int i = 0;
        for (Object item : list("messages", v)) {
            Map<String, Object> m = object(new At(new Item("messages", i), ""), item);
            String role = string(new At(new Item("messages", i), ".role"), m.get("role"));
            Object content = m.get("content");
            At where = new At(new Item("messages", i), ".content");
            out.add(switch (role) {
                case "system", "developer" -> ChatMessage.system(text(where, content));
                case "user" -> content instanceof List<?> parts ? ChatMessage.user(parts(where, parts))
                        : ChatMessage.user(string(where, content));
                case "assistant" -> new AssistantMessage(content == null ? null : text(where, content), null,
                        toolCalls(m.get("tool_calls")), null, Map.of());
                case "tool" -> ChatMessage.tool(string(new At(new Item("messages", i), ".tool_call_id"), m.get("tool_call_id")),
                        text(where, content));
                default -> throw new IllegalArgumentException(new At(new Item("messages", i), ".role") + " must be system, developer, "
                        + "user, assistant or tool");
            });
            i++;
        }
        return out;
    }

    /**
     * Where in a request a value is ({@code messages[3].content[].text}), for an error message: made into text
     * only when one is thrown, since the paths of every value of every line would otherwise be built for nothing.
     */
    private record At(Object base, String rest) {
        @Override
        public String toString() {
            return base + rest;
        }
    }

    /** An element of an array, by index: {@code messages[3]}. */
    private record Item(String array, int index) {
        @Override
        public String toString() {
            return array + "[" + index + "]";
        }
    }

    /** Text content, or an array of text parts joined. */
    private static String text(Object where, Object content) {
        if (!(content instanceof List<?> parts)) {
            return string(where, content);
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : parts(where, parts)) {
            if (!(part instanceof ContentPart.Text t)) {
                throw new IllegalArgumentException(where + " may hold only text parts for this role");
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    private static List<ContentPart> parts(Object where, List<?> parts) {
        List<ContentPart> out = new ArrayList<>();
        for (Object item : parts) {
            Map<String, Object> part = object(new At(where, "[]"), item);
            Object type = part.get("type");
            if ("text".equals(type)) {
                out.add(ContentPart.text(string(new At(where, "[].text"), part.get("text"))));
            } else if ("image_url".equals(type)) {
                Map<String, Object> image = object(new At(where, "[].image_url"), part.get("image_url"));
                out.add(ContentPart.imageUrl(string(new At(where, "[].image_url.url"), image.get("url"))));
            } else {
                throw new IllegalArgumentException(where + "[].type must be text or image_url");
            }
        }
        return out;
    }

    private static List<ToolCall> toolCalls(Object v) {
        if (v == null) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>();
        for (Object item : list("tool_calls", v)) {
            Map<String, Object> call = object("tool_calls[]", item);
            Map<String, Object> fn = object("tool_calls[].function", call.get("function"));
            out.add(ToolCall.function(string("tool_calls[].id", call.get("id")),
                    string("tool_calls[].function.name", fn.get("name")),
                    string("tool_calls[].function.arguments", fn.get("arguments"))));
        }
        return out;
    }

    private static List<Tool> tools(Object v) {
        List<Tool> out = new ArrayList<>();
        for (Object item : list("tools", v)) {
            Map<String, Object> fn = object("tools[].function", object("tools[]", item).get("function"));
            Object params = fn.get("parameters");
            out.add(Tool.function(string("tools[].function.name", fn.get("name")),
                    fn.get("description") == null ? null : string("tools[].function.description",
                            fn.get("description")),
                    params == null ? Map.of("type", "object", "properties", Map.of())
                            : object("tools[].function.parameters", params)));
        }
        return out;
    }

    private static ToolChoice toolChoice(Object v) {
        if (v instanceof String s) {
            return switch (s) {
                case "auto" -> ToolChoice.auto();
                case "none" -> ToolChoice.none();
                case "required" -> ToolChoice.required();
                default -> throw new IllegalArgumentException("tool_choice must be auto, none, required or an object");
            };
        }
        Map<String, Object> fn = object("tool_choice.function", object("tool_choice", v).get("function"));
        return ToolChoice.function(string("tool_choice.function.name", fn.get("name")));
    }

    private static Map<String, String> stringMap(Object v) {
        Map<String, String> out = new LinkedHashMap<>();
        object("metadata", v).forEach((k, value) -> out.put(k, string(new At("metadata.", k), value)));
        return out;
    }

    private static List<String> strings(Object name, Object v) {
        List<String> out = new ArrayList<>();
        for (Object item : list(name, v)) {
            out.add(string(new At(name, "[]"), item));
        }
        return out;
    }

    private static String string(Object name, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }

    private static Number number(Object name, Object v) {
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a number");
    }

    private static Boolean bool(Object name, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be true or false");
    }

    private static List<?> list(Object name, Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be an array");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object name, Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be an object");
    }
}
