package ai.synth.lm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the chunks of a stream into the {@link ChatCompletion} a non-streamed call would have returned: content,
 * refusal, finish reason, usage, and tool calls merged from their pieces by {@code index}.
 *
 * <pre>{@code
 * ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
 * try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
 *     for (ChatCompletionChunk chunk : stream) {
 *         System.out.print(chunk.content());
 *         acc.accumulate(chunk);
 *     }
 * }
 * ChatCompletion whole = acc.result();
 * }</pre>
 *
 * It copes with what real backends send: a call's id, type and name repeated on every piece (kept once), empty
 * ids on continuation pieces, pieces without an index (taken as the current call), arguments sent as a JSON object,
 * no arguments at all ({@code "{}"}), several calls interleaved, and repeated finish chunks (the first reason
 * wins). Not thread-safe: feed it from one thread.
 */
public final class ChatCompletionAccumulator {

    private String id;
    private String model;
    private long created;
    private String fingerprint;
    private Usage usage;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();

    private ChatCompletionAccumulator() {}

    /** An empty accumulator. */
    public static ChatCompletionAccumulator create() {
        return new ChatCompletionAccumulator();
    }

    /** Adds one chunk; returns this accumulator. */
    public ChatCompletionAccumulator accumulate(ChatCompletionChunk chunk) {
        id = id != null ? id : chunk.id();
        model = model != null ? model : chunk.model();
        created = created != 0 ? created : chunk.created();
        fingerprint = fingerprint != null ? fingerprint : chunk.systemFingerprint();
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        extra.putAll(chunk.additionalProperties());
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            choices.computeIfAbsent(choice.index(), i -> new ChoiceState()).add(choice);
        }
        return this;
    }

    /** The completion so far; can be called at any time, also mid-stream. */
    public ChatCompletion result() {
        List<Choice> list = new ArrayList<>(choices.size());
        choices.forEach((index, state) -> list.add(state.toChoice(index)));
        return new ChatCompletion(id, "chat.completion", created, model, list, usage, fingerprint, extra);
    }

    /** The merged state of one choice. */
    private static final class ChoiceState {
        private StringBuilder content;
        private StringBuilder refusal;
        private String finishReason;
        private final List<CallState> calls = new ArrayList<>();
        private CallState current;
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private final Map<String, Object> choiceExtra = new LinkedHashMap<>();

        void add(ChatCompletionChunk.Choice choice) {
            ChatCompletionChunk.Delta delta = choice.delta();
            if (delta.content() != null) {
                content = (content == null ? new StringBuilder() : content).append(delta.content());
            }
            if (delta.refusal() != null) {
                refusal = (refusal == null ? new StringBuilder() : refusal).append(delta.refusal());
            }
            for (ChatCompletionChunk.ToolCallDelta piece : delta.toolCalls()) {
                callFor(piece).add(piece);
            }
            delta.additionalProperties().forEach((k, v) -> {
                if (v == null) {
                    extra.putIfAbsent(k, null); // a null on every chunk stays null, as in a non-streamed message
                } else {
                    extra.merge(k, v, (a, b) -> a instanceof String x && b instanceof String y ? x + y : b);
                }
            });
            choice.additionalProperties().forEach((k, v) -> choiceExtra.merge(k, v == null ? NULL : v,
                    (a, b) -> k.equals("logprobs") ? appendLogprobs(a, b) : b));
            if (finishReason == null) {
                finishReason = choice.finishReason();
            }
        }

        /**
         * The call a piece belongs to: by {@code index}; without one, the call with the piece's id, else the current
         * call (the last one extended) when the piece has no id or the current call has none yet, else a new call.
         */
        private CallState callFor(ChatCompletionChunk.ToolCallDelta piece) {
            if (piece.index() != null) {
                return current = callAt(piece.index());
            }
            if (!isBlank(piece.id())) {
                for (CallState call : calls) {
                    if (piece.id().equals(call.id)) {
                        return current = call;
                    }
                }
            }
            if (current != null && (isBlank(piece.id()) || current.id == null)) {
                return current;
            }
            int next = calls.stream().mapToInt(c -> c.index + 1).max().orElse(0);
            return current = callAt(next);
        }

        private CallState callAt(int index) {
            for (CallState call : calls) {
                if (call.index == index) {
                    return call;
                }
            }
            CallState call = new CallState(index);
            calls.add(call);
            return call;
        }

        Choice toChoice(int index) {
            List<ToolCall> toolCalls = new ArrayList<>(calls.size());
            calls.stream().sorted((a, b) -> Integer.compare(a.index, b.index)).forEach(c -> toolCalls.add(c.toToolCall()));
            // A role chunk's "" before tool calls is no text: a non-streamed call returns null content then.
            boolean noText = content == null || (content.length() == 0 && !calls.isEmpty());
            AssistantMessage message = new AssistantMessage(noText ? null : content.toString(),
                    refusal == null ? null : refusal.toString(), toolCalls, null, extra);
            choiceExtra.replaceAll((k, v) -> v == NULL ? null : v);
            return new Choice(index, message, finishReason, choiceExtra);
        }
    }

    /** The merged state of one tool call. */
    private static final class CallState {
        final int index;
        String id;
        String type;
        String name;
        final StringBuilder arguments = new StringBuilder();
        final Map<String, Object> extra = new LinkedHashMap<>();

        CallState(int index) {
            this.index = index;
        }

        void add(ChatCompletionChunk.ToolCallDelta piece) {
            if (!isBlank(piece.id()) && id == null) {
                id = piece.id();
            }
            if (!isBlank(piece.type()) && type == null) {
                type = piece.type();
            }
            if (!isBlank(piece.name())) {
                if (name == null) {
                    name = piece.name();
                } else if (!name.equals(piece.name())) {
                    name += piece.name(); // a name streamed in pieces; a repeated whole name is kept once
                }
            }
            if (piece.arguments() != null) {
                arguments.append(piece.arguments());
            }
            extra.putAll(piece.additionalProperties());
        }

        ToolCall toToolCall() {
            String args = arguments.length() == 0 ? "{}" : arguments.toString();
            return new ToolCall(id == null ? "call_" + index : id, type == null ? "function" : type,
                    new ToolCall.FunctionCall(name == null ? "" : name, args), extra);
        }
    }

    /** Stands for a JSON null in a map merge, which treats a null value as a removal. */
    private static final Object NULL = new Object();

    /** Each chunk's {@code logprobs} covers its own tokens: the lists of token objects are joined, in order. */
    private static Object appendLogprobs(Object earlier, Object later) {
        if (!(earlier instanceof Map<?, ?> a) || !(later instanceof Map<?, ?> b)) {
            return later == NULL && earlier != NULL ? earlier : later;
        }
        Map<String, Object> joined = new LinkedHashMap<>();
        a.forEach((k, v) -> joined.put(String.valueOf(k), v));
        b.forEach((k, v) -> {
            Object before = joined.get(String.valueOf(k));
            if (before instanceof List<?> xs && v instanceof List<?> ys) {
                List<Object> both = new ArrayList<>(xs);
                both.addAll(ys);
                joined.put(String.valueOf(k), both);
            } else if (v != null || !joined.containsKey(String.valueOf(k))) {
                joined.put(String.valueOf(k), v); // a later null ("refusal": null) does not erase earlier tokens
            }
        });
        return joined;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }
}
