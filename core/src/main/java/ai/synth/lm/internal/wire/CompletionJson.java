package ai.synth.lm.internal.wire;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.Choice;
import ai.synth.lm.ToolCall;
import ai.synth.lm.Usage;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;

/** Writes a {@link ChatCompletion} back in the OpenAI shape, with the fields this library does not model. */
public final class CompletionJson {
    private CompletionJson() {}

    /** Writes the completion as one JSON object. */
    public static void write(JsonGenerator g, ChatCompletion c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", c.object() == null ? "chat.completion" : c.object());
        g.writeNumberField("created", c.created());
        g.writeStringField("model", c.model());
        g.writeArrayFieldStart("choices");
        for (Choice choice : c.choices()) {
            g.writeStartObject();
            g.writeNumberField("index", choice.index());
            g.writeFieldName("message");
            writeMessage(g, choice.message());
            g.writeStringField("finish_reason", choice.finishReason());
            writeExtra(g, choice.additionalProperties());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (c.usage() != null) {
            g.writeFieldName("usage");
            writeUsage(g, c.usage());
        }
        if (c.systemFingerprint() != null) {
            g.writeStringField("system_fingerprint", c.systemFingerprint());
        }
        writeExtra(g, c.additionalProperties());
        g.writeEndObject();
    }

    private static void writeMessage(JsonGenerator g, AssistantMessage m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        g.writeStringField("content", m.content());
        if (m.refusal() != null) {
            g.writeStringField("refusal", m.refusal());
        }
        if (m.name() != null) {
            g.writeStringField("name", m.name());
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", call.id());
                g.writeStringField("type", call.type());
                g.writeObjectFieldStart("function");
                g.writeStringField("name", call.function().name());
                g.writeStringField("arguments", call.function().arguments());
                g.writeEndObject();
                writeExtra(g, call.additionalProperties());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        writeExtra(g, m.additionalProperties());
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        writeExtra(g, u.additionalProperties());
        g.writeEndObject();
    }

    private static void writeExtra(JsonGenerator g, Map<String, Object> extra) throws IOException {
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            g.writeFieldName(e.getKey());
            JsonValueIO.write(g, e.getValue());
        }
    }
}
