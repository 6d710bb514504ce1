package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionAccumulator;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import java.io.PrintStream;
import java.util.List;

/** README "Streaming": print the answer as it arrives, and merge the chunks into the whole response. */
public final class Streaming {

    private Streaming() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** Prints each piece as it arrives, then the token counts of the merged response. */
    static void run(SynthConfig config, PrintStream out) {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model(QuickStart.MODEL)
                .messages(List.of(ChatMessage.user("Tell me a story.")))
                .includeUsage(true)                                 // a last chunk with token counts
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (SynthProvider provider = new SynthProvider(config);
                ChatCompletionStream stream = provider.streamChatCompletion(request)) {
            for (ChatCompletionChunk chunk : stream) {
                out.print(chunk.content());                         // tokens as they arrive
                accumulator.accumulate(chunk);
            }
        }
        ChatCompletion whole = accumulator.result();
        out.println();
        out.println("finish: " + whole.choices().get(0).finishReason() + ", tokens: " + whole.usage().totalTokens());
    }
}
