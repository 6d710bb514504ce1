package ai.synth.lm;

import ai.synth.lm.internal.Futures;
import java.util.function.BiFunction;

/** The two faces of one provider, so each behaviour is tested through both. */
enum Face {
    SYNC((p, r) -> p.createChatCompletion(r)),
    ASYNC((p, r) -> Futures.await(p.createChatCompletionAsync(r)));

    private final BiFunction<UnifiedLMProvider, ChatCompletionRequest, ChatCompletion> call;

    Face(BiFunction<UnifiedLMProvider, ChatCompletionRequest, ChatCompletion> call) {
        this.call = call;
    }

    ChatCompletion call(UnifiedLMProvider provider, ChatCompletionRequest request) {
        return call.apply(provider, request);
    }
}
