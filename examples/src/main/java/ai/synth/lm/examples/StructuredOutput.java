package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OutputParseException;
import ai.synth.lm.ParsedChatCompletion;
import ai.synth.lm.RefusalException;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * README "Structured output": ask for an answer shaped like a record and get the record back. The request carries
 * a strict JSON schema derived from the record.
 */
public final class StructuredOutput {

    /** The shape of the answer. */
    public record Weather(String city, int temperatureC, List<String> warnings, Optional<String> note) {}

    private StructuredOutput() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** Prints the parsed record, or why there is none. */
    static void run(SynthConfig config, PrintStream out) {
        ChatCompletionRequest request = ChatCompletionRequest.of(QuickStart.MODEL,
                List.of(ChatMessage.user("What's the weather in Paris? About 21 degrees, I hear.")));
        try (SynthProvider provider = new SynthProvider(config)) {
            ParsedChatCompletion<Weather> answer = provider.createChatCompletion(request, Weather.class);
            Weather weather = answer.parsed();
            out.println("city: " + weather.city());
            out.println("temperature: " + weather.temperatureC() + " C");
            out.println("raw: " + answer.completion().content());
        } catch (RefusalException e) {
            out.println("refused: " + e.refusal());
        } catch (OutputParseException e) {
            out.println("not a Weather: " + e.getMessage() + "\n" + e.rawText());
        }
    }
}
