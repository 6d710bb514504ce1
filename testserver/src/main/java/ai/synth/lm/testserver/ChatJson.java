package ai.synth.lm.testserver;

import ai.synth.lm.testserver.SimulatedReply.ToolCall;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a simulated reply in OpenAI's shapes: {@code CreateChatCompletionResponse} for a plain answer, a list
 * of {@code CreateChatCompletionStreamResponse} chunks for a streamed one.
 */
final class ChatJson {

    static final String FINGERPRINT = "synth-lm-local";
    private static final int ARGUMENT_FRAGMENTS = 3;

    private final String id;
    private final long created;
    private final String model;

    ChatJson(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    ObjectNode completion(SimulatedReply reply, int n) {
        ObjectNode root = header("chat.completion");
        ArrayNode choices = root.putArray("choices");
        for (int index = 0; index < n; index++) {
            ObjectNode choice = choices.addObject().put("index", index);
            ObjectNode message = choice.putObject("message").put("role", "assistant")
                    .put("content", reply.content()).putNull("refusal");
            if (reply.toolCall() != null) {
                ObjectNode call = message.putArray("tool_calls").addObject();
                call.put("id", reply.toolCall().id()).put("type", "function");
                call.putObject("function").put("name", reply.toolCall().name())
                        .put("arguments", reply.toolCall().arguments());
            }
            choice.putNull("logprobs").put("finish_reason", reply.finishReason());
        }
        root.set("usage", usage(reply, n));
        return root;
    }

    /**
     * The {@code data:} payloads of a stream, without the final {@code [DONE]}: a role chunk, the content
     * word by word or the tool call in fragments, a finish chunk, and the usage chunk when asked for.
     */
    List<String> chunks(SimulatedReply reply, int n, boolean includeUsage) {
        List<ObjectNode> deltas = new ArrayList<>();
        deltas.add(Json.object().put("role", "assistant").put("content", ""));
        if (reply.toolCall() != null) {
            deltas.addAll(toolCallDeltas(reply.toolCall()));
        } else {
            Words.pieces(reply.content()).forEach(piece -> deltas.add(Json.object().put("content", piece)));
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < deltas.size(); i++) {
            for (int index = 0; index < n; index++) {
                events.add(Json.string(chunk(index, deltas.get(i), null, includeUsage)));
            }
        }
        for (int index = 0; index < n; index++) {
            events.add(Json.string(chunk(index, Json.object(), reply.finishReason(), includeUsage)));
        }
        if (includeUsage) {
            ObjectNode last = header("chat.completion.chunk");
            last.putArray("choices");
            events.add(Json.string(last.set("usage", usage(reply, n))));
        }
        return events;
    }

    private List<ObjectNode> toolCallDeltas(ToolCall call) {
        List<ObjectNode> deltas = new ArrayList<>();
        ObjectNode opening = Json.object();
        ObjectNode head = opening.putArray("tool_calls").addObject().put("index", 0)
                .put("id", call.id()).put("type", "function");
        head.putObject("function").put("name", call.name()).put("arguments", "");
        deltas.add(opening);
        for (String fragment : fragments(call.arguments())) {
            ObjectNode delta = Json.object();
            delta.putArray("tool_calls").addObject().put("index", 0)
                    .putObject("function").put("arguments", fragment);
            deltas.add(delta);
        }
        return deltas;
    }

    /** Splits text into a few parts at code point boundaries. */
    private static List<String> fragments(String text) {
        int codePoints = text.codePointCount(0, text.length());
        int size = Math.max(1, (codePoints + ARGUMENT_FRAGMENTS - 1) / ARGUMENT_FRAGMENTS);
        List<String> parts = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = text.offsetByCodePoints(start, Math.min(size, text.codePointCount(start, text.length())));
            parts.add(text.substring(start, end));
            start = end;
        }
        return parts;
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode root = header("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs").put("finish_reason", finishReason);
        if (includeUsage) {
            root.putNull("usage"); // as OpenAI does: null on every chunk but the last
        }
        return root;
    }

    private ObjectNode header(String object) {
        return Json.object().put("id", id).put("object", object).put("created", created).put("model", model)
                .put("system_fingerprint", FINGERPRINT);
    }

    /** Word counts; with {@code n} choices the completion counts every choice, as OpenAI bills it. */
    private static ObjectNode usage(SimulatedReply reply, int n) {
        int completion = reply.completionTokens() * n;
        return Json.object().put("prompt_tokens", reply.promptTokens()).put("completion_tokens", completion)
                .put("total_tokens", reply.promptTokens() + completion);
    }
}
