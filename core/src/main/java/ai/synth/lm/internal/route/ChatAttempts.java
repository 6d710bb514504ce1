package ai.synth.lm.internal.route;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.RawResponse;
import java.util.concurrent.CompletableFuture;

/** The router's attempts of a whole chat completion, on a deployment's synchronous or asynchronous face. */
public final class ChatAttempts {
    private ChatAttempts() {}

    /**
     * An attempt on a deployment's synchronous face. A failure is thrown: the router releases the lease, with the
     * failure counted.
     */
    public static final Attempt<ChatCompletion> SYNC_CHAT = new PlainAttempt() {
        @Override
        public CompletableFuture<ChatCompletion> start(Lease lease, ChatCompletionRequest routed) {
            return CompletableFuture.completedFuture(lease.member().provider().createChatCompletion(routed));
        }
    };

    /** An attempt on a deployment's asynchronous face; a failure is the router's to release, as above. */
    public static final Attempt<ChatCompletion> ASYNC_CHAT = new PlainAttempt() {
        @Override
        public CompletableFuture<ChatCompletion> start(Lease lease, ChatCompletionRequest routed) {
            return lease.member().provider().createChatCompletionAsync(routed);
        }
    };

    /** {@link #SYNC_CHAT}, answering with the deployment's HTTP response. */
    public static final Attempt<RawResponse<ChatCompletion>> SYNC_RAW = new RawAttempt() {
        @Override
        public CompletableFuture<RawResponse<ChatCompletion>> start(Lease lease, ChatCompletionRequest routed) {
            return CompletableFuture.completedFuture(lease.member().provider().createChatCompletionRaw(routed));
        }
    };

    /** {@link #ASYNC_CHAT}, answering with the deployment's HTTP response. */
    public static final Attempt<RawResponse<ChatCompletion>> ASYNC_RAW = new RawAttempt() {
        @Override
        public CompletableFuture<RawResponse<ChatCompletion>> start(Lease lease, ChatCompletionRequest routed) {
            return lease.member().provider().createChatCompletionRawAsync(routed);
        }
    };

    /**
     * A chat completion's attempt: its answer's latency and tokens recorded, its slot given back.
     *
     * @param <T> the completion, or the completion with its HTTP response
     */
    private abstract static class ChatAttempt<T> implements Attempt<T> {
        /** The completion in an answer. */
        abstract ChatCompletion completion(T answer);

        @Override
        public void answered(Lease lease, T answer) {
            ChatCompletion completion = completion(answer);
            lease.firstResponse();
            if (completion.usage() != null) {
                lease.settle(completion.usage().totalTokens());
            }
            lease.release();
        }
    }

    /** An attempt answering with the completion alone. */
    private abstract static class PlainAttempt extends ChatAttempt<ChatCompletion> {
        @Override
        ChatCompletion completion(ChatCompletion answer) {
            return answer;
        }
    }

    /** An attempt answering with the completion and its HTTP response. */
    private abstract static class RawAttempt extends ChatAttempt<RawResponse<ChatCompletion>> {
        @Override
        ChatCompletion completion(RawResponse<ChatCompletion> answer) {
            return answer.parsed();
        }
    }
}
