package ai.synth.lm;

import ai.synth.lm.internal.wire.StructuredJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Objects;

/**
 * A chat completion with its answer read into a Java type: what
 * {@link UnifiedLMProvider#createChatCompletion(ChatCompletionRequest, Class)} returns.
 *
 * <pre>{@code
 * record Weather(String city, double temperatureC) {}
 *
 * ParsedChatCompletion<Weather> answer = provider.createChatCompletion(request, Weather.class);
 * Weather weather = answer.parsed();
 * }</pre>
 *
 * @param completion the whole completion, as a plain call returns it; never null
 * @param parsed the first choice's content read as the type; never null
 * @param <T> the type of the answer
 */
public record ParsedChatCompletion<T>(ChatCompletion completion, T parsed) {

    /** Validates the fields. */
    public ParsedChatCompletion {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(parsed, "parsed");
    }

    /**
     * Reads the first choice of a completion as {@code type}: after a plain call, or after a stream merged by
     * {@link ChatCompletionAccumulator}.
     *
     * <pre>{@code
     * ParsedChatCompletion<Weather> answer = ParsedChatCompletion.parse(accumulator.result(), Weather.class);
     * }</pre>
     *
     * @throws RefusalException if the model refused; it carries the refusal text
     * @throws OutputParseException if there is no content, or it is not JSON of that type; it carries the text
     * @throws IllegalArgumentException if Jackson cannot create the type at all (e.g. its package is not open to
     *     Jackson)
     */
    public static <T> ParsedChatCompletion<T> parse(ChatCompletion completion, Class<T> type) {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(type, "type");
        if (completion.choices().isEmpty()) {
            throw new OutputParseException("The response has no choices, so there is no " + type.getSimpleName()
                    + " to read", null, null, type, completion);
        }
        Choice choice = completion.choices().get(0);
        AssistantMessage message = choice.message();
        if (message.refusal() != null) {
            throw new RefusalException(message.refusal(), completion);
        }
        String text = message.content();
        if (text == null) {
            throw new OutputParseException("The answer has no content to read as " + type.getSimpleName()
                    + " (finish_reason " + choice.finishReason() + (message.hasToolCalls() ? ", it called a tool" : "")
                    + ")", null, null, type, completion);
        }
        try {
            T parsed = StructuredJson.read(text, type);
            if (parsed == null) {
                throw new OutputParseException("The answer is JSON null, not a " + type.getSimpleName(), null, text,
                        type, completion);
            }
            return new ParsedChatCompletion<>(completion, parsed);
        } catch (JsonProcessingException e) {
            String cutOff = "length".equals(choice.finishReason())
                    ? " The answer was cut off (finish_reason length): raise maxTokens or maxCompletionTokens." : "";
            throw new OutputParseException("The answer does not read as " + type.getSimpleName() + ": "
                    + e.getOriginalMessage() + "." + cutOff + " The text is in rawText().", e, text, type, completion);
        }
    }
}
