package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthLM;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * README "One-shot requests": a single call without keeping a provider. The helpers make the default provider
 * ({@code LM_PROVIDER}, else {@code synth}) from the environment or {@code .env}, use it and close it.
 */
public final class OneShot {

    private OneShot() {}

    /** Runs the example. */
    public static void main(String[] args) {
        run(System.out);
    }

    /** One blocking call and one asynchronous call; prints both answers. */
    static void run(PrintStream out) {
        List<ChatMessage> messages = List.of(ChatMessage.user("Hello!"));
        ChatCompletion once = SynthLM.createChatCompletion(QuickStart.MODEL, messages);
        CompletableFuture<ChatCompletion> later = SynthLM.createChatCompletionAsync(QuickStart.MODEL, messages);
        out.println("sync: " + once.content());
        out.println("async: " + later.join().content());
    }
}
