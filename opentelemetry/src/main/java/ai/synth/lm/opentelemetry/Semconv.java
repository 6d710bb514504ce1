package ai.synth.lm.opentelemetry;

import ai.synth.lm.ChatCompletionRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/** The GenAI request attributes, for the parameters a request set. */
final class Semconv {

    private Semconv() {}

    static Attributes requestAttributes(ChatCompletionRequest r) {
        AttributesBuilder b = Attributes.builder();
        if (r.temperature() != null) {
            b.put("gen_ai.request.temperature", r.temperature());
        }
        if (r.topP() != null) {
            b.put("gen_ai.request.top_p", r.topP());
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (max != null) {
            b.put("gen_ai.request.max_tokens", (long) max);
        }
        if (r.presencePenalty() != null) {
            b.put("gen_ai.request.presence_penalty", r.presencePenalty());
        }
        if (r.frequencyPenalty() != null) {
            b.put("gen_ai.request.frequency_penalty", r.frequencyPenalty());
        }
        if (r.seed() != null) {
            b.put("gen_ai.request.seed", r.seed());
        }
        if (r.stop() != null && !r.stop().isEmpty()) {
            b.put(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"), r.stop());
        }
        if (r.n() != null && r.n() != 1) {
            b.put("gen_ai.request.choice.count", (long) r.n());
        }
        return b.build();
    }
}
