package ai.synth.lm.testserver;

import ai.synth.lm.testserver.ChatRequest.Message;
import ai.synth.lm.testserver.ChatRequest.ToolCallRef;
import ai.synth.lm.testserver.ChatRequest.ToolSpec;
import ai.synth.lm.testserver.SimulatedReply.ToolCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The deterministic responder: a simulator, not a model. It echoes the user, calls an offered tool the user
 * asks for by name or purpose (arguments filled from the user's words), and reports tool results. Asked for JSON
 * ({@code response_format}), it answers with a document that conforms to the schema, filled the way tool
 * arguments are; JSON mode gets an object that says it is simulated. The same request always gets the same answer.
 */
final class Simulator {

    static final String TEXT_PREFIX = "Local simulator reply (synth-lm local backend, not a model): ";

    /** Description words too common to show that the user means a tool. */
    private static final Set<String> STOP_WORDS = Set.of("about", "also", "from", "have", "into", "that",
            "their", "them", "then", "there", "this", "what", "when", "which", "will", "with", "your");

    private Simulator() {
    }

    static SimulatedReply reply(ChatRequest request) {
        int promptTokens = request.messages().stream().mapToInt(m -> Words.count(m.text())).sum();
        ToolSpec tool = chooseTool(request);
        if (tool != null) {
            String arguments = ToolArguments.fill(tool.parameters(), lastUserText(request));
            ToolCall call = new ToolCall(callId(tool.name(), arguments, request), tool.name(), arguments);
            int completionTokens = Math.max(1, Words.count(arguments));
            return new SimulatedReply(null, call, "tool_calls", promptTokens, completionTokens);
        }
        Message last = request.messages().get(request.messages().size() - 1);
        String text = last.role().equals("tool") ? toolResultText(request) : userReplyText(request);
        if (request.format().equals("json_schema")) {
            text = Json.string(ToolArguments.document(request.formatSchema(), lastUserText(request)));
        } else if (request.format().equals("json_object")) {
            text = Json.string(Json.object().put("simulated_reply", text));
        }
        String finishReason = "stop";
        if (request.maxTokens() != null) {
            // truncate stops after the words it keeps, so the echo of a long prompt is not scanned twice
            String cut = Words.truncate(text, request.maxTokens());
            if (cut.length() < text.length()) {
                text = cut;
                finishReason = "length";
            }
        }
        return new SimulatedReply(text, null, finishReason, promptTokens, Words.count(text));
    }

    private static ToolSpec chooseTool(ChatRequest request) {
        switch (request.toolChoice()) {
            case "none":
                return null;
            case "function":
                return request.tools().stream().filter(t -> t.name().equals(request.forcedFunction()))
                        .findFirst().orElseThrow();
            case "required":
                ToolSpec mentioned = mentionedTool(request.tools(), lastUserText(request));
                return mentioned != null ? mentioned : request.tools().get(0);
            default:
                Message last = request.messages().get(request.messages().size() - 1);
                return last.role().equals("user") ? mentionedTool(request.tools(), last.text()) : null;
        }
    }

    /** The first tool the text names ({@code get_weather} or "get weather") or whose purpose it mentions. */
    static ToolSpec mentionedTool(List<ToolSpec> tools, String text) {
        if (tools.isEmpty()) {
            return null; // no need to split a prompt of megabytes into words
        }
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        Set<String> userWords = Set.copyOf(List.of(lower.split("[^\\p{L}\\p{N}]+")));
        for (ToolSpec tool : tools) {
            String name = tool.name().toLowerCase(Locale.ROOT);
            if (lower.contains(name) || lower.contains(name.replace('_', ' ').replace('-', ' '))) {
                return tool;
            }
            for (String word : tool.description().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (word.length() > 3 && !STOP_WORDS.contains(word) && userWords.contains(word)) {
                    return tool;
                }
            }
        }
        return null;
    }

    private static String userReplyText(ChatRequest request) {
        String said = lastUserText(request);
        return TEXT_PREFIX + (said.isEmpty() ? "there was no user message to answer" : "you said \"" + said + "\"");
    }

    /** Reports the results of the trailing tool messages, naming each tool from the call it answers. */
    private static String toolResultText(ChatRequest request) {
        List<Message> messages = request.messages();
        List<String> results = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0 && messages.get(i).role().equals("tool"); i--) {
            Message result = messages.get(i);
            String name = toolName(messages.subList(0, i), result.toolCallId());
            results.add(0, (name == null ? "the tool" : "the " + name + " tool") + " returned "
                    + (result.text() == null ? "nothing" : result.text()));
        }
        return "Local simulator reply: " + String.join("; ", results);
    }

    private static String toolName(List<Message> earlier, String toolCallId) {
        for (int i = earlier.size() - 1; i >= 0; i--) {
            for (ToolCallRef call : earlier.get(i).toolCalls()) {
                if (call.id().equals(toolCallId)) {
                    return call.name();
                }
            }
        }
        return null;
    }

    private static String lastUserText(ChatRequest request) {
        List<Message> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user") && messages.get(i).text() != null) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /** {@code call_} and 24 hex digits of a hash of the call and the conversation length. */
    private static String callId(String name, String arguments, ChatRequest request) {
        String input = name + '\u0000' + arguments + '\u0000' + request.messages().size();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return "call_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
