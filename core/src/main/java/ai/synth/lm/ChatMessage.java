package ai.synth.lm;

import java.util.List;
import java.util.Map;

/**
 * One message of a conversation, by role: {@link SystemMessage}, {@link UserMessage}, {@link AssistantMessage}
 * or {@link ToolMessage}.
 *
 * <p>Build messages with the factories:
 * <pre>{@code
 * List<ChatMessage> messages = List.of(
 *     ChatMessage.system("Be brief."),
 *     ChatMessage.user("What's the weather in Paris?"));
 * }</pre>
 * Messages are immutable values and safe to share between threads.
 */
public sealed interface ChatMessage permits SystemMessage, UserMessage, AssistantMessage, ToolMessage {

    /** The role sent on the wire: {@code system}, {@code user}, {@code assistant} or {@code tool}. */
    String role();

    /**
     * A system (instruction) message.
     *
     * @throws NullPointerException if {@code content} is null
     */
    static SystemMessage system(String content) {
        return new SystemMessage(content, null);
    }

    /**
     * A user message.
     *
     * @throws NullPointerException if {@code content} is null
     */
    static UserMessage user(String content) {
        return new UserMessage(content, null);
    }

    /**
     * A user message made of content parts: text, images, audio.
     *
     * <pre>{@code
     * ChatMessage.user(List.of(ContentPart.text("What is in this picture?"),
     *     ContentPart.imageUrl("https://example.com/cat.png")));
     * }</pre>
     *
     * @throws NullPointerException if {@code parts} is null or empty, or holds a null
     */
    static UserMessage user(List<? extends ContentPart> parts) {
        return new UserMessage(null, null, List.copyOf(java.util.Objects.requireNonNull(parts, "parts")));
    }

    /**
     * An assistant message with text content, e.g. a few-shot example or an earlier turn.
     *
     * @throws NullPointerException if {@code content} is null
     */
    static AssistantMessage assistant(String content) {
        return new AssistantMessage(java.util.Objects.requireNonNull(content, "content"), null, List.of(), null, Map.of());
    }

    /**
     * The assistant turn of a response, to echo back into the conversation before the tool results.
     *
     * <p>Keeps the content, refusal, name and tool calls; drops fields a backend added to the response that are
     * not part of a request message.
     *
     * <pre>{@code
     * AssistantMessage turn = response.choices().get(0).message();
     * messages.add(ChatMessage.assistant(turn));
     * messages.add(ChatMessage.tool(turn.toolCalls().get(0).id(), "{\"temperature_c\": 21}"));
     * }</pre>
     */
    static AssistantMessage assistant(AssistantMessage message) {
        return new AssistantMessage(message.content(), message.refusal(), message.toolCalls(), message.name(), Map.of());
    }

    /**
     * The result of a tool call, answering the call with the given id.
     *
     * @param toolCallId the {@link ToolCall#id()} this result answers
     * @param content the result, usually JSON text
     * @throws NullPointerException if an argument is null
     */
    static ToolMessage tool(String toolCallId, String content) {
        return new ToolMessage(toolCallId, content);
    }

    /**
     * The result of a tool call as text parts, answering the call with the given id.
     *
     * @param toolCallId the {@link ToolCall#id()} this result answers
     * @param parts the result, one or more text parts
     * @throws NullPointerException if an argument is null or {@code parts} is empty
     */
    static ToolMessage tool(String toolCallId, List<ContentPart.Text> parts) {
        return new ToolMessage(toolCallId, null, List.copyOf(java.util.Objects.requireNonNull(parts, "parts")));
    }
}
