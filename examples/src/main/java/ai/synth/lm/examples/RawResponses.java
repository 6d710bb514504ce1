package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.RawResponse;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import java.io.PrintStream;
import java.util.List;

/**
 * README "The HTTP response behind an answer": the same call as a plain one, handing back the response the
 * completion came in, for its request id (what a provider's support asks for), its headers and its body as sent.
 */
public final class RawResponses {

    private RawResponses() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** Prints the response's status, request id, content type and size, then the answer. */
    static void run(SynthConfig config, PrintStream out) {
        ChatCompletionRequest request = ChatCompletionRequest.of(QuickStart.MODEL,
                List.of(ChatMessage.user("Hello!")));
        try (SynthProvider provider = new SynthProvider(config)) {
            RawResponse<ChatCompletion> raw = provider.createChatCompletionRaw(request);
            out.println("status: " + raw.statusCode());
            out.println("request id: " + raw.requestId().orElse("none sent"));
            out.println("content type: " + raw.header("content-type").orElse("none sent"));
            out.println("body: " + raw.body().length + " bytes");
            out.println("answer: " + raw.parsed().content());
        }
    }
}
