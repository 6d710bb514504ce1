package ai.synth.lm.cli;

import ai.synth.lm.AssistantMessage;
import ai.synth.lm.AuthenticationException;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionAccumulator;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.ConfigurationException;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.Scheduler;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.Tool;
import ai.synth.lm.ToolCall;
import ai.synth.lm.ToolChoice;
import ai.synth.lm.UnifiedLMClient;
import ai.synth.lm.Usage;
import ai.synth.lm.WarmupOptions;
import ai.synth.lm.WarmupResult;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The steps of {@code synth-lm demo}, each a call or two against the local backend with a line of explanation. */
final class DemoTour {

    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    static final String OPENAI_MODEL = "gpt-4o-mini";
    private static final String CHAT = "/v1/chat/completions";

    private final LocalBackend backend;
    private final String apiKey;
    private final PrintWriter out;
    private final boolean interactive;
    private int step;

    DemoTour(LocalBackend backend, String apiKey, PrintWriter out, boolean interactive) {
        this.backend = backend;
        this.apiKey = apiKey;
        this.out = out;
        this.interactive = interactive;
    }

    /** Settings for the local backend only: the demo ignores the user's environment and .env on purpose. */
    private SynthConfig.Builder synthConfig() {
        return SynthConfig.builder().environment(Map.of()).baseUrl(backend.baseUrl()).apiKey(apiKey)
                .timeout(Duration.ofSeconds(10));
    }

    void warmup() {
        heading("Warmup", "Serverless models start cold. provider.warmup(model) asks the backend to load one and polls",
                "its status until it is ready; the local backend takes " + DemoCommand.COLD_START.toMillis()
                        + " ms to \"load\" " + MODEL + ".");
        try (SynthProvider synth = new SynthProvider(synthConfig().build())) {
            WarmupProgress progress = new WarmupProgress(out, interactive);
            WarmupOptions options = WarmupOptions.builder().pollInterval(Duration.ofMillis(250)).listener(progress)
                    .build();
            WarmupResult first = synth.warmup(MODEL, options);
            progress.done();
            say(MODEL + " is " + (first.warm() ? "warm" : "NOT warm") + ": " + WarmupCommand.describe(first) + ".");
            int before = backend.requests().size();
            long started = System.nanoTime();
            WarmupResult second = synth.warmup(MODEL, options);
            long micros = (System.nanoTime() - started) / 1000;
            say("A second warmup within 10 minutes comes from the cache: " + second.outcome() + " in "
                    + micros / 1000 + " ms, " + (backend.requests().size() - before) + " requests to the backend.");
        }
    }

    void chat() {
        heading("Chat completion", "A request is a record built with a builder; the response a record with"
                + " choices and usage.");
        try (SynthProvider synth = new SynthProvider(synthConfig().build())) {
            ChatCompletion response = synth.createChatCompletion(ChatCompletionRequest.builder()
                    .model(MODEL)
                    .messages(List.of(ChatMessage.system("You are concise."),
                            ChatMessage.user("Say hello to a Java developer.")))
                    .maxTokens(64)
                    .build());
            say("reply: " + response.content());
            Usage u = response.usage();
            say("usage: " + u.promptTokens() + " prompt + " + u.completionTokens() + " completion = "
                    + u.totalTokens() + " tokens; finish_reason " + response.choices().get(0).finishReason());
        }
    }

    void streaming() {
        heading("Streaming", "provider.streamChatCompletion(request) returns once the headers arrive; the loop then"
                + " reads chunks", "as the server sends them (SSE), and ChatCompletionAccumulator rebuilds the"
                + " whole response.");
        ChatCompletionRequest request = ChatCompletionRequest.builder().model(MODEL)
                .messages(List.of(ChatMessage.user("Stream a short answer, please."))).includeUsage(true).build();
        ChatCompletionAccumulator whole = ChatCompletionAccumulator.create();
        int chunks = 0;
        long started = System.nanoTime();
        try (SynthProvider synth = new SynthProvider(synthConfig().build());
                ChatCompletionStream stream = synth.streamChatCompletion(request)) {
            out.print("   -> ");
            for (ChatCompletionChunk chunk : stream) {
                whole.accumulate(chunk);
                chunks++;
                out.print(chunk.content());
                out.flush();
            }
            out.println();
        }
        ChatCompletion response = whole.result();
        say(chunks + " chunks in " + (System.nanoTime() - started) / 1_000_000 + " ms; accumulated: finish_reason "
                + response.choices().get(0).finishReason() + ", " + response.content().length() + " characters"
                + (response.usage() == null ? "" : ", " + response.usage().totalTokens() + " tokens"));
    }

    void providerSwitching() {
        heading("Provider switching", "UnifiedLMClient holds one provider per name and picks one per call (default:"
                + " LM_PROVIDER);", "here both synth and openai point at the local backend.");
        backend.setWarm(OPENAI_MODEL, true); // OpenAI's models need no warmup
        OpenAIConfig openai = OpenAIConfig.builder().environment(Map.of()).baseUrl(backend.baseUrl() + "/v1")
                .apiKey(apiKey).build();
        try (UnifiedLMClient client = new UnifiedLMClient("synth", synthConfig().build(), openai)) {
            List<ChatMessage> messages = List.of(ChatMessage.user("Which provider am I talking to?"));
            say("synth  (" + MODEL + "): " + client.createChatCompletion(MODEL, messages, "synth").content());
            say("openai (" + OPENAI_MODEL + "): "
                    + client.createChatCompletion(OPENAI_MODEL, messages, "openai").content());
            say("default provider: " + client.defaultProvider() + "; openai warmup is a no-op that returns "
                    + client.warmup(OPENAI_MODEL, "openai") + " at once.");
        }
    }

    void toolCall() {
        heading("Tool call", "Offer a typed tool; the model answers with a call; run it and send the result back.");
        Tool weather = Tool.function("get_weather", "Get the current weather in a city", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")));
        ChatMessage question = ChatMessage.user("What's the weather in Paris?");
        try (SynthProvider synth = new SynthProvider(synthConfig().build())) {
            ChatCompletionRequest request = ChatCompletionRequest.builder().model(MODEL).messages(List.of(question))
                    .tools(List.of(weather)).toolChoice(ToolChoice.auto()).build();
            AssistantMessage reply = synth.createChatCompletion(request).choices().get(0).message();
            if (!reply.hasToolCalls()) {
                say("no tool call came back; reply: " + reply.content());
                return;
            }
            ToolCall call = reply.toolCalls().get(0);
            say("user: " + "What's the weather in Paris?");
            say("tool call: " + call.function().name() + "(" + call.function().arguments() + ")  id " + call.id());
            String result = "{\"temperature_c\": 21}";
            say("tool result sent back: " + result);
            ChatCompletion answer = synth.createChatCompletion(request.withMessages(List.of(question,
                    ChatMessage.assistant(reply), ChatMessage.tool(call.id(), result))));
            say("final answer: " + answer.content());
        }
    }

    void retries() {
        heading("Retries", "The backend now answers 429 twice (the first with Retry-After: 1). The client waits what"
                + " the server asks,", "else backs off exponentially with jitter, and the call still succeeds.");
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
        backend.enqueue(Fault.rateLimited());
        Scheduler announcing = delay -> {
            say("429 rate limited: retrying in " + delay.toMillis() + " ms");
            return Scheduler.system().delay(delay);
        };
        int before = backend.requestCount(CHAT);
        try (SynthProvider synth = new SynthProvider(synthConfig().scheduler(announcing).maxRetries(3).build())) {
            ChatCompletion response = synth.createChatCompletion(MODEL, List.of(ChatMessage.user("Still there?")));
            say("succeeded; the backend saw " + (backend.requestCount(CHAT) - before) + " attempts. reply: "
                    + response.content());
        }
    }

    void router() {
        heading("Many deployments", "A Router is a provider over model groups: each call goes to one deployment of"
                + " the group,", "a deployment that fails cools down, and a group that keeps failing falls back to"
                + " another.");
        new RouterTour(backend, apiKey, this::say).run();
    }

    void typedErrors() {
        heading("Typed errors", "Failures are exceptions you can catch by type, with a message that says what to do.");
        try (SynthProvider wrongKey = new SynthProvider(synthConfig().apiKey("not-the-demo-key").build())) {
            wrongKey.createChatCompletion(MODEL, List.of(ChatMessage.user("Hello?")));
            say("unexpected: the call with a wrong key succeeded");
        } catch (AuthenticationException e) {
            say("AuthenticationException (HTTP " + e.status() + ", not retried: " + e.attempts() + " attempt"
                    + (e.attempts() == 1 ? "" : "s") + "): " + e.getMessage());
        }
        try {
            SynthConfig.builder().environment(Map.of()).build();
        } catch (ConfigurationException e) {
            say("ConfigurationException, before any call: " + e.getMessage());
        }
    }

    private void heading(String title, String... lines) {
        out.println();
        out.println((++step) + ". " + title);
        for (String line : lines) {
            out.println("   " + line);
        }
        out.flush();
    }

    private void say(String line) {
        out.println("   -> " + line);
        out.flush();
    }
}
