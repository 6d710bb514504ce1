package ai.synth.lm.opentelemetry;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Choice;
import ai.synth.lm.SystemMessage;
import ai.synth.lm.ToolMessage;
import ai.synth.lm.UserMessage;

/** Prompts and answers as small JSON documents of roles and text, recorded only when asked for. */
final class Content {

    private Content() {}

    static String messages(ChatCompletionRequest request) {
        StringBuilder out = new StringBuilder("[");
        for (ChatMessage m : request.messages()) {
            String role;
            String text;
            if (m instanceof UserMessage u) {
                role = "user";
                text = u.content();
            } else if (m instanceof SystemMessage s) {
                role = "system";
                text = s.content();
            } else if (m instanceof ToolMessage t) {
                role = "tool";
                text = t.content();
            } else {
                role = "assistant";
                text = ((AssistantMessage) m).content();
            }
            entry(out, role, text);
        }
        return out.append(']').toString();
    }

    static String choices(ChatCompletion completion) {
        StringBuilder out = new StringBuilder("[");
        for (Choice c : completion.choices()) {
            entry(out, "assistant", c.message() == null ? null : c.message().content());
        }
        return out.append(']').toString();
    }

    private static void entry(StringBuilder out, String role, String text) {
        if (out.length() > 1) {
            out.append(',');
        }
        out.append("{\"role\":\"").append(role).append("\",\"content\":");
        if (text == null) {
            out.append("null");
        } else {
            quote(out, text);
        }
        out.append('}');
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
