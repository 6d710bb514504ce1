package ai.synth.lm.internal.wire;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Choice;
import ai.synth.lm.Tool;
import ai.synth.lm.ToolCall;
import ai.synth.lm.ToolChoice;
import ai.synth.lm.Usage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chat-completion JSON on Jackson's streaming API: one pass, no intermediate tree. Unknown response fields are kept
 * as plain Java values in {@code additionalProperties}.
 */
public final class JsonCodec {

    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonCodec() {}

    /** The request body, with only the parameters that were set. */
    public static byte[] writeRequest(ChatCompletionRequest r, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : r.messages()) {
                MessageJson.write(g, m);
            }
            g.writeEndArray();
            writeNumber(g, "temperature", r.temperature());
            writeNumber(g, "top_p", r.topP());
            writeNumber(g, "max_tokens", r.maxTokens());
            writeNumber(g, "max_completion_tokens", r.maxCompletionTokens());
            writeNumber(g, "n", r.n());
            // An empty stop list or response format says nothing, and the spec rejects both (stop has minItems 1,
            // response_format requires type): send them as unset.
            if (r.stop() != null && !r.stop().isEmpty()) {
                g.writeFieldName("stop");
                JsonValueIO.write(g, r.stop());
            }
            writeNumber(g, "presence_penalty", r.presencePenalty());
            writeNumber(g, "frequency_penalty", r.frequencyPenalty());
            writeNumber(g, "seed", r.seed());
            if (r.user() != null) {
                g.writeStringField("user", r.user());
            }
            if (r.tools() != null) {
                writeTools(g, r.tools());
            }
            if (r.toolChoice() != null) {
                writeToolChoice(g, r.toolChoice());
            }
            if (r.parallelToolCalls() != null) {
                g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls());
            }
            if (r.responseFormat() != null && !r.responseFormat().isEmpty()) {
                g.writeFieldName("response_format");
                JsonValueIO.write(g, r.responseFormat());
            }
            if (r.logprobs() != null) {
                g.writeBooleanField("logprobs", r.logprobs());
            }
            writeNumber(g, "top_logprobs", r.topLogprobs());
            if (r.metadata() != null) {
                g.writeFieldName("metadata");
                JsonValueIO.write(g, r.metadata());
            }
            MessageJson.writeOptional(g, "service_tier", r.serviceTier());
            MessageJson.writeOptional(g, "reasoning_effort", r.reasoningEffort());
            if (stream) {
                g.writeBooleanField("stream", true);
                if (r.includeUsage() != null) {
                    g.writeObjectFieldStart("stream_options");
                    g.writeBooleanField("include_usage", r.includeUsage());
                    g.writeEndObject();
                }
            }
            for (Map.Entry<String, Object> e : r.extraBody().entrySet()) {
                g.writeFieldName(e.getKey());
                JsonValueIO.write(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeNumber(JsonGenerator g, String name, Number value) throws IOException {
        if (value instanceof Double d) {
            g.writeNumberField(name, d);
        } else if (value instanceof Integer i) {
            g.writeNumberField(name, i);
        } else if (value instanceof Long l) {
            g.writeNumberField(name, l);
        }
    }

    private static void writeTools(JsonGenerator g, List<Tool> tools) throws IOException {
        g.writeArrayFieldStart("tools");
        for (Tool tool : tools) {
            g.writeStartObject();
            g.writeStringField("type", tool.type());
            g.writeObjectFieldStart("function");
            g.writeStringField("name", tool.function().name());
            MessageJson.writeOptional(g, "description", tool.function().description());
            if (tool.function().parameters() != null) {
                g.writeFieldName("parameters");
                JsonValueIO.write(g, tool.function().parameters());
            }
            if (tool.function().strict() != null) {
                g.writeBooleanField("strict", tool.function().strict());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
        if (choice instanceof ToolChoice.Mode mode) {
            g.writeStringField("tool_choice", mode.value());
        } else if (choice instanceof ToolChoice.Function f) {
            g.writeObjectFieldStart("tool_choice");
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", f.name());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Reads a chat completion: the body must be one JSON object, with nothing but whitespace after it.
     *
     * @throws IOException if the body is not one JSON object
     */
    public static ChatCompletion readCompletion(byte[] body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            String id = null, object = null, model = null, fingerprint = null;
            long created = 0;
            List<Choice> choices = List.of();
            Usage usage = null;
            Map<String, Object> extra = null; // made on the first unknown field: most objects have none
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id" -> id = text(p, t);
                    case "object" -> object = text(p, t);
                    case "created" -> created = t == JsonToken.VALUE_NULL ? 0 : scalar(p, t).getValueAsLong();
                    case "model" -> model = text(p, t);
                    case "system_fingerprint" -> fingerprint = text(p, t);
                    case "choices" -> choices = readChoices(p, t);
                    case "usage" -> usage = t == JsonToken.VALUE_NULL ? null : readUsage(p, t);
                    default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, t));
                }
            }
            if (p.nextToken() != null) { // the body is then not one JSON object, so it cannot be passed on as one
                throw new JsonParseException(p, "content after the completion's closing brace");
            }
            return new ChatCompletion(id, object, created, model, choices, usage, fingerprint, extra);
        }
    }

    private static List<Choice> readChoices(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, t, JsonToken.START_ARRAY);
        List<Choice> choices = new ArrayList<>(1);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, t, JsonToken.START_OBJECT);
            int index = choices.size();
            AssistantMessage message = null;
            String finish = null;
            Map<String, Object> extra = null; // made on the first unknown field: most objects have none
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "index" -> index = scalar(p, v).getValueAsInt(index);
                    case "message" -> message = v == JsonToken.VALUE_NULL ? null : readAssistant(p, v);
                    case "finish_reason" -> finish = text(p, v);
                    default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, v));
                }
            }
            if (message == null) {
                message = new AssistantMessage(null, null, List.of(), null, Map.of());
            }
            choices.add(new Choice(index, message, finish, extra));
        }
        return choices;
    }

    /** Reads an assistant message object. */
    static AssistantMessage readAssistant(JsonParser p, JsonToken t) throws IOException {
        expect(p, t, JsonToken.START_OBJECT);
        String content = null, refusal = null, name = null;
        List<ToolCall> calls = List.of();
        Map<String, Object> extra = null; // made on the first unknown field: most objects have none
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "role" -> p.skipChildren();
                case "content" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        content = p.getText();
                    } else {
                        Object raw = JsonValueIO.read(p, v); // null, or parts from some backends: kept raw
                        if (raw != null) {
                            extra = JsonValueIO.put(extra, "content", raw);
                        }
                    }
                }
                case "refusal" -> refusal = text(p, v);
                case "name" -> name = text(p, v);
                case "tool_calls" -> calls = readToolCalls(p, v);
                default -> extra = JsonValueIO.put(extra, field, JsonValueIO.read(p, v));
            }
        }
        return new AssistantMessage(content, refusal, calls, name, extra);
    }

    private static List<ToolCall> readToolCalls(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, t, JsonToken.START_ARRAY);
        List<ToolCall> calls = new ArrayList<>(1);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, t, JsonToken.START_OBJECT);
            String id = null, type = null, fname = null, arguments = null;
            Map<String, Object> extra = null; // made on the first unknown field: most objects have none
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "id" -> id = text(p, v);
                    case "type" -> type = text(p, v);
                    case "function" -> {
                        expect(p, v, JsonToken.START_OBJECT);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            if (f.equals("name")) {
                                fname = text(p, fv);
                            } else if (f.equals("arguments")) {
                                arguments = argumentsText(p, fv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> extra = JsonValueIO.put(extra, field, JsonValueIO.read(p, v));
                }
            }
            calls.add(new ToolCall(id == null ? "call_" + calls.size() : id, type,
                    new ToolCall.FunctionCall(fname == null ? "" : fname, arguments), extra));
        }
        return calls;
    }

    /** Arguments as text; some backends send an object instead of a JSON string, which is re-serialized. */
    static String argumentsText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING || v.isNumeric()) {
            return p.getText(); // a number as sent: 1e999 read as a double would be Infinity, which JSON cannot hold
        }
        Object raw = JsonValueIO.read(p, v);
        return raw == null ? null : JsonValueIO.toJson(raw);
    }

    static Usage readUsage(JsonParser p, JsonToken t) throws IOException {
        expect(p, t, JsonToken.START_OBJECT);
        long prompt = 0, completion = 0, total = 0;
        Map<String, Object> extra = null; // made on the first unknown field: most objects have none
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = scalar(p, v).getValueAsLong();
                case "completion_tokens" -> completion = scalar(p, v).getValueAsLong();
                case "total_tokens" -> total = scalar(p, v).getValueAsLong();
                default -> extra = JsonValueIO.put(extra, name, JsonValueIO.read(p, v));
            }
        }
        return new Usage(prompt, completion, total, extra);
    }

    static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw new IOException("expected a string but found " + t + " at " + p.currentLocation().offsetDescription());
    }

    /**
     * The parser, at a number (or other scalar); an object or array there is an error, since reading it as a number
     * would leave the parser inside it and the fields after it would be lost or misread.
     */
    static JsonParser scalar(JsonParser p, JsonToken t) throws IOException {
        if (!t.isScalarValue()) {
            throw new IOException("expected a number but found " + t
                    + (p.currentName() != null ? " in \"" + p.currentName() + "\"" : ""));
        }
        return p;
    }

    static void expect(JsonParser p, JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual
                    + (p.currentName() != null ? " in \"" + p.currentName() + "\"" : ""));
        }
    }
}
