package ai.synth.lm.opentelemetry;

import ai.synth.lm.ChatCompletionRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;

/** The GenAI request attributes, for the parameters a request set. */
final class Semconv {

    // Made once: a span builder's setAttribute(String, ...) makes its key anew on every call
    private static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    private static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    private static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    private static final AttributeKey<Double> PRESENCE_PENALTY =
            AttributeKey.doubleKey("gen_ai.request.presence_penalty");
    private static final AttributeKey<Double> FREQUENCY_PENALTY =
            AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
    private static final AttributeKey<Long> SEED = AttributeKey.longKey("gen_ai.request.seed");
    private static final AttributeKey<List<String>> STOP_SEQUENCES =
            AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    private static final AttributeKey<Long> CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");

    private Semconv() {}

    /** Sets on {@code b} the attributes of the parameters {@code r} set (straight on a span builder: no copy). */
    static void requestAttributes(ChatCompletionRequest r, SpanBuilder b) {
        if (r.temperature() != null) {
            b.setAttribute(TEMPERATURE, r.temperature());
        }
        if (r.topP() != null) {
            b.setAttribute(TOP_P, r.topP());
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (max != null) {
            b.setAttribute(MAX_TOKENS, (long) max);
        }
        if (r.presencePenalty() != null) {
            b.setAttribute(PRESENCE_PENALTY, r.presencePenalty());
        }
        if (r.frequencyPenalty() != null) {
            b.setAttribute(FREQUENCY_PENALTY, r.frequencyPenalty());
        }
        if (r.seed() != null) {
            b.setAttribute(SEED, r.seed());
        }
        if (r.stop() != null && !r.stop().isEmpty()) {
            b.setAttribute(STOP_SEQUENCES, r.stop());
        }
        if (r.n() != null && r.n() != 1) {
            b.setAttribute(CHOICE_COUNT, (long) r.n());
        }
    }
}
