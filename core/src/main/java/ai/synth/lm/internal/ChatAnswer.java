package ai.synth.lm.internal;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.internal.http.Response;

/**
 * What a chat call of {@link HttpEngine} yields, made from the completion read from a 2xx response and that
 * response: the completion itself ({@link #COMPLETION}), or the completion with its status, header fields and body.
 *
 * @param <T> what the call yields
 */
public interface ChatAnswer<T> {

    /** A chat call yielding the completion alone. */
    ChatAnswer<ChatCompletion> COMPLETION = new ChatAnswer<>() {
        @Override
        public ChatCompletion of(ChatCompletion completion, Response response) {
            return completion;
        }

        @Override
        public ChatCompletion completion(ChatCompletion answer) {
            return answer;
        }
    };

    /** The call's result. */
    T of(ChatCompletion completion, Response response);

    /** The completion in a result, for the call's listener. */
    ChatCompletion completion(T answer);
}
