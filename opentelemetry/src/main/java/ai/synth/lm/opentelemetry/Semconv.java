package ai.synth.lm.opentelemetry;

import ai.synth.lm.ChatCompletionRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;

/** The GenAI request attributes, for the parameters a request set. */
final class Semconv {

    private Semconv() {}

    /** Sets on {@code b} the attributes of the parameters {@code r} set (straight on a span builder: no copy). */
    static void requestAttributes(ChatCompletionRequest r, SpanBuilder b) {
        if (r.temperature() != null) {
            b.setAttribute("gen_ai.request.temperature", r.temperature());
        }
        if (r.topP() != null) {
            b.setAttribute("gen_ai.request.top_p", r.topP());
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (max != null) {
            b.setAttribute("gen_ai.request.max_tokens", (long) max);
        }
        if (r.presencePenalty() != null) {
            b.setAttribute("gen_ai.request.presence_penalty", r.presencePenalty());
        }
        if (r.frequencyPenalty() != null) {
            b.setAttribute("gen_ai.request.frequency_penalty", r.frequencyPenalty());
        }
        if (r.seed() != null) {
            b.setAttribute("gen_ai.request.seed", r.seed());
        }
        if (r.stop() != null && !r.stop().isEmpty()) {
            b.setAttribute(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"), r.stop());
        }
        if (r.n() != null && r.n() != 1) {
            b.setAttribute("gen_ai.request.choice.count", (long) r.n());
        }
    }
}
