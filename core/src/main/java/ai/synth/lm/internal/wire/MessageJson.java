package ai.synth.lm.internal.wire;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.ContentPart;
import ai.synth.lm.SystemMessage;
import ai.synth.lm.ToolCall;
import ai.synth.lm.ToolMessage;
import ai.synth.lm.UserMessage;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/** Writes the messages of a request body, each by its role: text or content parts, names, echoed tool calls. */
final class MessageJson {
    private MessageJson() {}

    static void write(JsonGenerator g, ChatMessage m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role());
        if (m instanceof SystemMessage s) {
            g.writeStringField("content", s.content());
            writeOptional(g, "name", s.name());
        } else if (m instanceof UserMessage u) {
            writeContent(g, u.content(), u.parts());
            writeOptional(g, "name", u.name());
        } else if (m instanceof ToolMessage t) {
            g.writeStringField("tool_call_id", t.toolCallId());
            writeContent(g, t.content(), t.parts());
        } else if (m instanceof AssistantMessage a) {
            if (a.content() != null || a.toolCalls().isEmpty()) {
                g.writeStringField("content", a.content());
            }
            writeOptional(g, "refusal", a.refusal());
            writeOptional(g, "name", a.name());
            if (!a.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall call : a.toolCalls()) {
                    g.writeStartObject();
                    g.writeStringField("id", call.id());
                    g.writeStringField("type", call.type());
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", call.function().name());
                    g.writeStringField("arguments", call.function().arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    /** Text content as a string, else the parts as an array. */
    private static void writeContent(JsonGenerator g, String text, List<? extends ContentPart> parts)
            throws IOException {
        if (text != null) {
            g.writeStringField("content", text);
            return;
        }
        g.writeArrayFieldStart("content");
        for (ContentPart part : parts) {
            g.writeStartObject();
            g.writeStringField("type", part.type());
            if (part instanceof ContentPart.Text t) {
                g.writeStringField("text", t.text());
            } else if (part instanceof ContentPart.Image i) {
                g.writeObjectFieldStart("image_url");
                g.writeStringField("url", i.url());
                writeOptional(g, "detail", i.detail());
                g.writeEndObject();
            } else if (part instanceof ContentPart.Audio a) {
                g.writeObjectFieldStart("input_audio");
                g.writeStringField("data", a.data());
                g.writeStringField("format", a.format());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void writeOptional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
