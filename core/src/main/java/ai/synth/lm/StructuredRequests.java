package ai.synth.lm;

import java.util.Objects;

/** The request a structured call sends: the caller's, with a response format derived from the type if it had none. */
final class StructuredRequests {
    private StructuredRequests() {}

    static ChatCompletionRequest asking(ChatCompletionRequest request, Class<?> type) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(type, "type");
        if (request.responseFormat() != null && !request.responseFormat().isEmpty()) {
            return request;
        }
        return request.toBuilder().responseFormat(ResponseFormat.of(type)).build();
    }
}
