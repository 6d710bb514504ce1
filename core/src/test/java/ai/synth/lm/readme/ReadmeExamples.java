package ai.synth.lm.readme;

import ai.synth.lm.*;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The code of every Java snippet in README.md, verbatim: {@code ReadmeTest} checks that each README block appears
 * here line for line, and runs these methods against the local backend, so the README cannot rot.
 */
final class ReadmeExamples {

    private ReadmeExamples() {}

    static String quickStart() {
        StringBuilder out = new StringBuilder();
        try (UnifiedLMProvider provider = SynthLM.createProvider("synth")) {   // settings from env / .env
            boolean warm = provider.warmup("Qwen/Qwen2.5-7B-Instruct");        // remembered for 10 minutes
            ChatCompletion response = provider.createChatCompletion(
                    "Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
            System.out.println(response.choices().get(0).message().content());
            out.append(warm).append(' ').append(response.content());
        }
        return out.toString();
    }

    static ChatCompletion fullRequest(UnifiedLMProvider provider) {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("Qwen/Qwen2.5-7B-Instruct")
                .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello!")))
                .temperature(0.7)
                .maxTokens(1000)
                .extraBody(Map.of("top_k", 40))      // a backend's own parameters, sent as given
                .build();
        CompletableFuture<ChatCompletion> future = provider.createChatCompletionAsync(request);
        ChatCompletion response = future.join();
        return response;
    }

    static String rawResponse(UnifiedLMProvider provider, ChatCompletionRequest request) {
        RawResponse<ChatCompletion> raw = provider.createChatCompletionRaw(request);
        String requestId = raw.requestId().orElse("-");
        raw.header("x-ratelimit-remaining-requests").ifPresent(left -> System.out.println(left + " requests left"));
        byte[] asSent = raw.body();            // or raw.bodyBuffer(), read-only and without a copy
        ChatCompletion completion = raw.parsed();
        return requestId + " " + asSent.length + " " + completion.content();
    }

    static List<ChatCompletion> oneShot() {
        List<ChatMessage> messages = List.of(ChatMessage.user("Hello!"));
        ChatCompletion once = SynthLM.createChatCompletion("Qwen/Qwen2.5-7B-Instruct", messages);
        CompletableFuture<ChatCompletion> later = SynthLM.createChatCompletionAsync("Qwen/Qwen2.5-7B-Instruct", messages);
        return List.of(once, later.join());
    }

    static List<ChatCompletion> providerSwitching() {
        List<ChatCompletion> answers = new ArrayList<>();
        ChatCompletionRequest request = ChatCompletionRequest.of(
                "Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
        try (UnifiedLMClient client = new UnifiedLMClient()) {          // default: LM_PROVIDER, else "synth"
            ChatCompletion fromSynth = client.createChatCompletion(request, "synth");
            ChatCompletion fromOpenAI = client.createChatCompletion(request.withModel("gpt-4o-mini"), "openai");
            CompletableFuture<ChatCompletion> async = client.createChatCompletionAsync(request, "synth");
            answers.addAll(List.of(fromSynth, fromOpenAI, async.join()));
        }
        return answers;
    }

    static String streaming(UnifiedLMProvider provider) {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("Qwen/Qwen2.5-7B-Instruct")
                .messages(List.of(ChatMessage.user("Tell me a story.")))
                .includeUsage(true)
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
            for (ChatCompletionChunk chunk : stream) {
                System.out.print(chunk.content());                  // tokens as they arrive
                accumulator.accumulate(chunk);
            }
        }
        ChatCompletion whole = accumulator.result();                 // the same shape as a non-streamed call
        return whole.content() + " " + whole.usage().totalTokens();
    }

    static CompletableFuture<String> streamingAsync(UnifiedLMProvider provider, ChatCompletionRequest request) {
        CompletableFuture<String> done = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Flow.Publisher<ChatCompletionChunk> publisher = provider.streamChatCompletionAsync(request);
        publisher.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override public void onSubscribe(Flow.Subscription s) { subscription = s; s.request(1); }
            @Override public void onNext(ChatCompletionChunk chunk) { text.append(chunk.content()); subscription.request(1); }
            @Override public void onError(Throwable e) { done.completeExceptionally(e); }
            @Override public void onComplete() { done.complete(text.toString()); }
        });
        return done;
    }

    static ChatCompletion toolCalling(UnifiedLMProvider provider) {
        Tool weather = Tool.function("get_weather", "Get weather for a location", Map.of(
                "type", "object",
                "properties", Map.of("location", Map.of("type", "string")),
                "required", List.of("location")));
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("What's the weather in Paris?")));
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("Qwen/Qwen2.5-7B-Instruct")
                .messages(messages)
                .tools(List.of(weather))
                .toolChoice(ToolChoice.auto())          // or none(), required(), function("get_weather")
                .build();
        ChatCompletion response = provider.createChatCompletion(request);

        AssistantMessage turn = response.choices().get(0).message();
        if (turn.hasToolCalls()) {
            ToolCall call = turn.toolCalls().get(0);
            System.out.println(call.function().name() + " " + call.function().arguments());  // raw JSON text
            messages.add(ChatMessage.assistant(turn));                                       // echo the turn back
            messages.add(ChatMessage.tool(call.id(), "{\"temperature_c\": 21}"));            // and the result
            response = provider.createChatCompletion(request.withMessages(messages));
        }
        return response;
    }

    record Weather(String city, int temperatureC, List<String> warnings, Optional<String> note) {}
    record WeatherQuery(String location, Optional<String> unit) {}

    static List<Object> structuredOutput(UnifiedLMProvider provider) {
        List<Object> results = new ArrayList<>();
        ChatCompletionRequest request = ChatCompletionRequest.of(
                "gpt-4o-mini", List.of(ChatMessage.user("What's the weather in Paris?")));
        try {
            ParsedChatCompletion<Weather> answer = provider.createChatCompletion(request, Weather.class);
            Weather weather = answer.parsed();                   // answer.completion() is the whole response
            results.add(weather);
        } catch (RefusalException e) {                          // the model declined: e.refusal()
            System.err.println(e.refusal());
        } catch (OutputParseException e) {                      // not a Weather: e.rawText() has what it wrote
            System.err.println(e.getMessage() + "\n" + e.rawText());
        }
        ChatCompletionRequest streamed = request.toBuilder().responseFormat(ResponseFormat.of(Weather.class)).build();
        try (ChatCompletionStream stream = provider.streamChatCompletion(streamed)) {
            Weather weather = ParsedChatCompletion.parse(stream.toCompletion(), Weather.class).parsed();
            results.add(weather);
        }
        return results;
    }

    static WeatherQuery typedTool(UnifiedLMProvider provider) {
        Tool weather = Tool.function("get_weather", "Get weather for a location", WeatherQuery.class);
        ChatCompletion response = provider.createChatCompletion(ChatCompletionRequest.builder()
                .model("gpt-4o-mini")
                .messages(List.of(ChatMessage.user("What's the weather in Paris?")))
                .tools(List.of(weather))
                .build());
        ToolCall call = response.choices().get(0).message().toolCalls().get(0);
        WeatherQuery query = call.arguments(WeatherQuery.class);   // OutputParseException names the tool if not
        return query;
    }

    static ChatCompletion contentParts(UnifiedLMProvider provider, byte[] png) {
        ChatMessage question = ChatMessage.user(List.of(
                ContentPart.text("What is in this picture?"),
                ContentPart.image(png, "image/png"),                              // sent as a data: URL
                ContentPart.imageUrl("https://example.com/dog.jpg").withDetail("low")));
        ChatCompletion response = provider.createChatCompletion(ChatCompletionRequest.builder()
                .model("gpt-4o-mini")
                .messages(List.of(question))
                .logprobs(true)
                .topLogprobs(2)
                .build());
        Logprobs logprobs = response.choices().get(0).logprobs();   // null when the backend sent none
        long cached = response.usage().promptTokensDetails().cachedTokens();
        System.out.println(logprobs + " " + cached);
        return response;
    }

    static SynthConfig customConfiguration(String baseUrl) {
        SynthConfig config = SynthConfig.builder()
                .baseUrl("https://custom-url.com")
                .apiKey("custom-key")
                .timeout(Duration.ofSeconds(60))
                .maxRetries(5)
                .build();
        UnifiedLMProvider provider = new SynthProvider(config);
        provider.close();
        UnifiedLMProvider local = SynthLM.createProvider("openai", Map.of(
                "api_key", "sk-local", "base_url", "http://127.0.0.1:8080/v1"));
        local.close();
        return config.toBuilder().baseUrl(baseUrl).build();
    }

    static WarmupResult warmup(SynthConfig config) {
        boolean ok = SynthLM.warmupSynthModel("Qwen/Qwen2.5-7B-Instruct", config, 30, false);
        try (SynthProvider provider = new SynthProvider(config)) {
            WarmupResult result = provider.warmup("Qwen/Qwen2.5-7B-Instruct", WarmupOptions.builder()
                    .force(true)                         // skip the 10-minute cache
                    .maxAttempts(30)
                    .pollInterval(Duration.ofSeconds(2))
                    .gpuPreference("A100")               // sent as X-GPU-Preference
                    .listener(event -> System.err.println(event))
                    .build());
            if (!result.warm()) {
                System.err.println("not warm: " + result.outcome() + ", " + result.error());
            }
            return ok ? result : null;
        }
    }

    static List<ChatCompletion> clients(SynthConfig config, ChatCompletionRequest request) {
        try (SyncSynthClient client = new SyncSynthClient(config)) {
            ChatCompletion a = client.chatCompletionsCreate(request);
            ChatCompletion b = client.chat().completions().create(request);    // the openai-java shape
            try (AsyncSynthClient async = new AsyncSynthClient(config)) {
                CompletableFuture<ChatCompletion> c = async.chatCompletionsCreate(request);
                return List.of(a, b, c.join());
            }
        }
    }

    static String errors(UnifiedLMProvider provider, ChatCompletionRequest request) {
        try {
            return provider.createChatCompletion(request).content();
        } catch (AuthenticationException e) {            // 401/403: never retried
            return "check the key: " + e.getMessage();
        } catch (RateLimitException e) {                  // 429 after every retry
            return "slow down: " + e.attempts() + " attempts";
        } catch (RequestTimeoutException e) {             // e.kind() says which timeout
            return "timed out: " + e.kind();
        } catch (SynthLMException e) {                    // any other failure: status, request id, attempts
            return e.status() + " " + e.requestId() + ": " + e.getMessage();
        }
    }

    static String manyDeployments(Path configFile) {
        String text;
        try (Router router = Router.fromConfig(configFile)) {   // e.g. Path.of("router.yaml")
            ChatCompletion answer = router.createChatCompletion("chat", List.of(ChatMessage.user("Hello!")));
            text = answer.choices().get(0).message().content();
        }
        return text;
    }

    static BatchSummary batchJob(UnifiedLMProvider provider, Path dir) {
        BatchSummary summary = BatchRunner.builder()
                .provider(provider)                          // any provider, or a Router
                .input(dir.resolve("requests.jsonl"))
                .output(dir.resolve("results.jsonl"))        // appended; run again to resume
                .concurrency(32)
                .rpm(500)
                .build()
                .run();
        System.out.println(summary.succeeded() + " done, " + summary.failed() + " failed " + summary.failuresByType());
        return summary;
    }

    static Router routerInCode(String openAIKey) {
        Router router = Router.builder()
                .deployment(Deployment.builder("chat", "openai", "Qwen/Qwen2.5-7B-Instruct").id("vllm-a")
                        .baseUrl("http://10.0.0.5:8000/v1").apiKey("EMPTY").rpm(600).build())
                .deployment(Deployment.builder("backup", "openai", "gpt-4o-mini").apiKey(openAIKey).build())
                .routingStrategy(RoutingStrategy.LEAST_BUSY)
                .fallbacks("chat", List.of("backup"))
                .build();
        return router;
    }

    static int localBackend() {
        try (LocalBackend backend = LocalBackend.builder().apiKey("test-key").build().start();
                SynthProvider provider = new SynthProvider(SynthConfig.builder()
                        .baseUrl(backend.baseUrl()).apiKey("test-key")
                        .scheduler(delay -> CompletableFuture.completedFuture(null))  // retry without waiting
                        .build())) {
            backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));      // the next call gets a 429
            ChatCompletion response = provider.createChatCompletion(
                    "Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
            System.out.println(response.content());                          // a simulator's reply, not a model's
            return backend.requests().size();                                // 2: the 429, then the retry
        }
    }

    static String rawHttpBefore(String baseUrl, String apiKey) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "Qwen/Qwen2.5-7B-Instruct", "messages": [{"role": "user", "content": "Hello!"}]}"""))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(response.body());
        return json.path("choices").path(0).path("message").path("content").asText();
    }

    static String rawHttpAfter() {
        ChatCompletion response = SynthLM.createChatCompletion(
                "Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
        return response.content();
    }

    static void observability(SynthConfig config) {
        LMListener retries = new LMListener() {
            @Override
            public void retryScheduled(LMListener.Retry retry) {
                System.err.println("retrying in " + retry.delay().toMillis() + " ms after " + retry.reason());
            }
        };
        try (SynthProvider provider = new SynthProvider(config.toBuilder().listener(retries).build())) {
            provider.createChatCompletion("Qwen/Qwen2.5-7B-Instruct", List.of(ChatMessage.user("Hello!")));
        }
    }
}
