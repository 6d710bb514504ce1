package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.UnifiedLMProvider;
import java.io.PrintStream;
import java.util.List;

/**
 * README "Quick start": warm a Synth model up, then ask it one question. Settings come from the environment or a
 * {@code .env} file ({@code SYNTH_BASE_URL}, {@code SYNTH_API_KEY}); try it against {@code ./synth-lm serve-local}.
 */
public final class QuickStart {

    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";

    private QuickStart() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** Warms the model up and prints whether it is warm, then the answer. */
    static void run(SynthConfig config, PrintStream out) {
        try (UnifiedLMProvider provider = new SynthProvider(config)) {
            boolean warm = provider.warmup(MODEL);                 // remembered for 10 minutes
            out.println("warm: " + warm);
            ChatCompletion response = provider.createChatCompletion(MODEL, List.of(ChatMessage.user("Hello!")));
            out.println("answer: " + response.content());
        }
    }
}
