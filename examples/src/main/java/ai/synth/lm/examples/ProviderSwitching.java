package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.UnifiedLMClient;
import java.io.PrintStream;
import java.util.List;

/**
 * README "Provider switching": one request sent to Synth and to OpenAI (or any OpenAI-compatible server) through
 * one {@link UnifiedLMClient}, choosing the provider per call.
 */
public final class ProviderSwitching {

    private ProviderSwitching() {}

    /** Runs the example with both providers' settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), OpenAIConfig.fromEnv(), System.out);
    }

    /** Sends the same conversation to both providers and prints who answered with which model. */
    static void run(SynthConfig synth, OpenAIConfig openai, PrintStream out) {
        ChatCompletionRequest request = ChatCompletionRequest.of(QuickStart.MODEL, List.of(ChatMessage.user("Hello!")));
        try (UnifiedLMClient client = new UnifiedLMClient("synth", synth, openai)) {
            ChatCompletion fromSynth = client.createChatCompletion(request, "synth");
            ChatCompletion fromOpenAI = client.createChatCompletion(request.withModel("gpt-4o-mini"), "openai");
            out.println("synth (" + fromSynth.model() + "): " + fromSynth.content());
            out.println("openai (" + fromOpenAI.model() + "): " + fromOpenAI.content());
        }
    }
}
