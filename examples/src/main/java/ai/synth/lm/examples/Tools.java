package ai.synth.lm.examples;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.Tool;
import ai.synth.lm.ToolCall;
import ai.synth.lm.ToolChoice;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * README "Tool calling": offer a tool whose parameters are a record, run the call the model asks for, send the
 * result back and print the final answer.
 */
public final class Tools {

    /** The tool's parameters; the schema the model sees is derived from this record. */
    public record WeatherQuery(String location, Optional<String> unit) {}

    private Tools() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** One tool round trip. */
    static void run(SynthConfig config, PrintStream out) {
        Tool weather = Tool.function("get_weather", "Get weather for a location", WeatherQuery.class);
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("What's the weather in Paris?")));
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model(QuickStart.MODEL)
                .messages(messages)
                .tools(List.of(weather))
                .toolChoice(ToolChoice.auto())
                .build();
        try (SynthProvider provider = new SynthProvider(config)) {
            ChatCompletion response = provider.createChatCompletion(request);
            AssistantMessage turn = response.choices().get(0).message();
            for (ToolCall call : turn.toolCalls()) {
                WeatherQuery query = call.arguments(WeatherQuery.class);
                out.println("tool call: " + call.function().name() + " for " + query.location());
                messages.add(ChatMessage.assistant(turn));
                messages.add(ChatMessage.tool(call.id(), lookUp(query)));
            }
            ChatCompletion answer = provider.createChatCompletion(request.withMessages(messages));
            out.println("answer: " + answer.content());
        }
    }

    /** Stands in for a real weather service. */
    private static String lookUp(WeatherQuery query) {
        return "{\"location\": \"" + query.location() + "\", \"temperature_c\": 21}";
    }
}
