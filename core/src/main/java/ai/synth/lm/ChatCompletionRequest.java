package ai.synth.lm;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A chat completion request in the OpenAI shape. Only the parameters that were set are sent; null means
 * "not set, use the backend's default".
 *
 * <pre>{@code
 * ChatCompletionRequest request = ChatCompletionRequest.builder()
 *     .model("Qwen/Qwen2.5-7B-Instruct")
 *     .messages(List.of(ChatMessage.user("Hello!")))
 *     .temperature(0.7)
 *     .maxTokens(1000)
 *     .build();
 * }</pre>
 *
 * Every argument is checked when the request is made, before anything goes on the network.
 *
 * @param model the model name, e.g. {@code Qwen/Qwen2.5-7B-Instruct}; not empty
 * @param messages the conversation; not empty
 * @param temperature sampling temperature, 0 to 2
 * @param topP nucleus sampling mass, 0 to 1
 * @param maxTokens the most tokens to generate ({@code max_tokens}), at least 1
 * @param maxCompletionTokens the newer OpenAI limit ({@code max_completion_tokens}), at least 1
 * @param n how many choices to generate, at least 1
 * @param stop up to 4 sequences where generation stops
 * @param presencePenalty -2 to 2
 * @param frequencyPenalty -2 to 2
 * @param seed a seed for best-effort deterministic sampling
 * @param user an end-user id for abuse monitoring
 * @param tools the tools the model may call
 * @param toolChoice whether and which tool to call
 * @param parallelToolCalls whether the model may call several tools at once
 * @param responseFormat the response format object as sent, e.g. {@code Map.of("type", "json_object")}; set it
 *     typed with {@link Builder#responseFormat(ResponseFormat)}
 * @param logprobs whether to return the log probability of each output token ({@code logprobs}); read them with
 *     {@link Choice#logprobs()}
 * @param topLogprobs how many most likely alternatives to return at each position, 0 to 20
 *     ({@code top_logprobs}); needs {@code logprobs} true
 * @param metadata up to 16 key-value pairs stored with the completion (keys up to 64 characters, values up to 512)
 * @param serviceTier the processing tier ({@code service_tier}), e.g. {@code auto}, {@code default},
 *     {@code flex}, {@code priority}
 * @param reasoningEffort how hard a reasoning model thinks ({@code reasoning_effort}), e.g. {@code minimal},
 *     {@code low}, {@code medium}, {@code high}
 * @param includeUsage when streaming, whether to ask for a last chunk with token counts
 *     ({@code stream_options.include_usage}); ignored by non-streamed calls
 * @param extraBody further top-level parameters, sent as given (the backend's own extensions such as
 *     {@code top_k}); never null
 */
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Integer n,
        List<String> stop,
        Double presencePenalty,
        Double frequencyPenalty,
        Long seed,
        String user,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        Map<String, Object> responseFormat,
        Boolean logprobs,
        Integer topLogprobs,
        Map<String, String> metadata,
        String serviceTier,
        String reasoningEffort,
        Boolean includeUsage,
        Map<String, Object> extraBody) {

    /** The JSON names of the typed parameters, which {@code extraBody} must not repeat. */
    private static final Set<String> TYPED = Set.of("model", "messages", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "n", "stop", "presence_penalty", "frequency_penalty", "seed", "user", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "stream", "stream_options");

    /** Typed since 0.1 was first used; {@code extraBody} may still carry one of them when its setter was not used. */
    private static final List<String> LATER_TYPED = List.of("logprobs", "top_logprobs", "metadata", "service_tier",
            "reasoning_effort");

    /**
     * Validates every parameter.
     *
     * @throws IllegalArgumentException naming the parameter that is out of range or missing
     */
    public ChatCompletionRequest {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(
                    "model must not be empty: pass a model name such as \"Qwen/Qwen2.5-7B-Instruct\"");
        }
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty: add at least ChatMessage.user(\"...\")");
        }
        messages = List.copyOf(messages);
        checkRange("temperature", temperature, 0, 2);
        checkRange("topP", topP, 0, 1);
        checkRange("presencePenalty", presencePenalty, -2, 2);
        checkRange("frequencyPenalty", frequencyPenalty, -2, 2);
        checkPositive("maxTokens", maxTokens);
        checkPositive("maxCompletionTokens", maxCompletionTokens);
        checkPositive("n", n);
        if (stop != null) {
            stop = List.copyOf(stop);
            if (stop.size() > 4) {
                throw new IllegalArgumentException("stop takes at most 4 sequences, got " + stop.size());
            }
        }
        tools = tools == null ? null : List.copyOf(tools);
        if (toolChoice instanceof ToolChoice.Function f && (tools == null
                || tools.stream().noneMatch(t -> t.function().name().equals(f.name())))) {
            throw new IllegalArgumentException("toolChoice names function \"" + f.name()
                    + "\", which is not among the tools: add it with .tools(...)");
        }
        responseFormat = responseFormat == null ? null : JsonValues.copyOf(responseFormat);
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
            throw new IllegalArgumentException("topLogprobs must be between 0 and 20, was " + topLogprobs);
        }
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw new IllegalArgumentException("topLogprobs needs logprobs: add .logprobs(true) to the request");
        }
        metadata = RequestChecks.metadata(metadata);
        RequestChecks.notBlank("serviceTier", serviceTier, "\"auto\", \"default\", \"flex\" or \"priority\"");
        RequestChecks.notBlank("reasoningEffort", reasoningEffort, "\"minimal\", \"low\", \"medium\" or \"high\"");
        extraBody = JsonValues.copyOf(extraBody);
        Object[] later = {logprobs, topLogprobs, metadata, serviceTier, reasoningEffort};
        for (String key : extraBody.keySet()) {
            int at = LATER_TYPED.indexOf(key);
            if (TYPED.contains(key) || (at >= 0 && later[at] != null)) {
                throw new IllegalArgumentException("extraBody key \"" + key
                        + "\" repeats a typed parameter: set it with the builder's own method instead");
            }
        }
    }

    /**
     * A request with the parameters of the first release; the newer ones unset. Kept so that code calling the
     * canonical constructor of that release still compiles: prefer {@link #builder()}.
     *
     * @throws IllegalArgumentException naming the parameter that is out of range or missing
     */
    public ChatCompletionRequest(String model, List<ChatMessage> messages, Double temperature, Double topP,
            Integer maxTokens, Integer maxCompletionTokens, Integer n, List<String> stop, Double presencePenalty,
            Double frequencyPenalty, Long seed, String user, List<Tool> tools, ToolChoice toolChoice,
            Boolean parallelToolCalls, Map<String, Object> responseFormat, Boolean includeUsage,
            Map<String, Object> extraBody) {
        this(model, messages, temperature, topP, maxTokens, maxCompletionTokens, n, stop, presencePenalty,
                frequencyPenalty, seed, user, tools, toolChoice, parallelToolCalls, responseFormat, null, null, null,
                null, null, includeUsage, extraBody);
    }

    /** A request with just a model and messages. */
    public static ChatCompletionRequest of(String model, List<? extends ChatMessage> messages) {
        return builder().model(model).messages(messages).build();
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's parameters. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This request with another model, e.g. to send the same conversation to another provider. */
    public ChatCompletionRequest withModel(String model) {
        // Straight to the constructor, not through a builder: a router calls this on every attempt.
        return new ChatCompletionRequest(model, messages, temperature, topP, maxTokens, maxCompletionTokens, n, stop,
                presencePenalty, frequencyPenalty, seed, user, tools, toolChoice, parallelToolCalls, responseFormat,
                logprobs, topLogprobs, metadata, serviceTier, reasoningEffort, includeUsage, extraBody);
    }

    /** This request with other messages, e.g. the conversation extended by a tool result. */
    public ChatCompletionRequest withMessages(List<? extends ChatMessage> messages) {
        return toBuilder().messages(messages).build();
    }

    private static void checkRange(String name, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + (int) min + " and " + (int) max
                    + ", was " + value);
        }
    }

    private static void checkPositive(String name, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }

    /** Builds a {@link ChatCompletionRequest}. Not thread-safe; {@link #build()} checks every parameter. */
    public static final class Builder {
        private String model;
        private List<ChatMessage> messages;
        private Double temperature;
        private Double topP;
        private Integer maxTokens;
        private Integer maxCompletionTokens;
        private Integer n;
        private List<String> stop;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Long seed;
        private String user;
        private List<Tool> tools;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private Map<String, Object> responseFormat;
        private Boolean logprobs;
        private Integer topLogprobs;
        private Map<String, String> metadata;
        private String serviceTier;
        private String reasoningEffort;
        private Boolean includeUsage;
        private Map<String, Object> extraBody = Map.of();

        private Builder() {}

        private Builder(ChatCompletionRequest r) {
            model = r.model;
            messages = r.messages;
            temperature = r.temperature;
            topP = r.topP;
            maxTokens = r.maxTokens;
            maxCompletionTokens = r.maxCompletionTokens;
            n = r.n;
            stop = r.stop;
            presencePenalty = r.presencePenalty;
            frequencyPenalty = r.frequencyPenalty;
            seed = r.seed;
            user = r.user;
            tools = r.tools;
            toolChoice = r.toolChoice;
            parallelToolCalls = r.parallelToolCalls;
            responseFormat = r.responseFormat;
            logprobs = r.logprobs;
            topLogprobs = r.topLogprobs;
            metadata = r.metadata;
            serviceTier = r.serviceTier;
            reasoningEffort = r.reasoningEffort;
            includeUsage = r.includeUsage;
            extraBody = r.extraBody;
        }

        /** The model name. Required. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The conversation. Required, not empty. */
        public Builder messages(List<? extends ChatMessage> messages) {
            this.messages = messages == null ? null : List.copyOf(messages);
            return this;
        }

        /** Sampling temperature, 0 to 2; null to leave unset. */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Nucleus sampling mass, 0 to 1; null to leave unset. */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /** The most tokens to generate, sent as {@code max_tokens}; null to leave unset. */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** The most tokens to generate, sent as {@code max_completion_tokens}; null to leave unset. */
        public Builder maxCompletionTokens(Integer maxCompletionTokens) {
            this.maxCompletionTokens = maxCompletionTokens;
            return this;
        }

        /** How many choices to generate; null to leave unset. */
        public Builder n(Integer n) {
            this.n = n;
            return this;
        }

        /** Up to 4 stop sequences; null or empty to leave unset. */
        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        /** Presence penalty, -2 to 2; null to leave unset. */
        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** Frequency penalty, -2 to 2; null to leave unset. */
        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** A sampling seed; null to leave unset. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /** An end-user id; null to leave unset. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The tools the model may call; null to leave unset. */
        public Builder tools(List<Tool> tools) {
            this.tools = tools;
            return this;
        }

        /** Whether and which tool to call; null to leave unset. */
        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** Whether the model may call several tools at once; null to leave unset. */
        public Builder parallelToolCalls(Boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /**
         * The response format object sent as given, e.g. {@code Map.of("type", "json_object")}; null or empty to
         * leave unset. Prefer the typed {@link #responseFormat(ResponseFormat)}; this form is for a backend's own
         * formats.
         */
        public Builder responseFormat(Map<String, ?> responseFormat) {
            this.responseFormat = responseFormat == null ? null : JsonValues.copyOf(responseFormat);
            return this;
        }

        /**
         * The format the answer must take: {@link ResponseFormat#text()}, {@link ResponseFormat#jsonObject()},
         * {@link ResponseFormat#jsonSchema(String, Map, Boolean)} or {@link ResponseFormat#of(Class)}; null to leave
         * unset. It is the same setting as
         * {@link #responseFormat(Map)}: the later call wins.
         */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat == null ? null : ResponseFormats.toJson(responseFormat);
            return this;
        }

        /** Whether to return the log probability of each output token; null to leave unset. */
        public Builder logprobs(Boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** How many most likely tokens to return at each position, 0 to 20 (needs {@code logprobs(true)}). */
        public Builder topLogprobs(Integer topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Up to 16 key-value pairs stored with the completion; null to leave unset. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** The processing tier, e.g. {@code "auto"}, {@code "default"}, {@code "flex"}; null to leave unset. */
        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /** How hard a reasoning model thinks, e.g. {@code "low"}, {@code "medium"}, {@code "high"}; null to leave unset. */
        public Builder reasoningEffort(String reasoningEffort) {
            this.reasoningEffort = reasoningEffort;
            return this;
        }

        /** When streaming, whether to ask for a last chunk with token counts; null to leave unset. */
        public Builder includeUsage(Boolean includeUsage) {
            this.includeUsage = includeUsage;
            return this;
        }

        /**
         * Further top-level parameters sent as given, such as a backend's {@code top_k}. Replaces any earlier
         * extra body. Keys must not repeat a typed parameter.
         */
        public Builder extraBody(Map<String, ?> extraBody) {
            this.extraBody = JsonValues.copyOf(extraBody);
            return this;
        }

        /**
         * The request.
         *
         * @throws IllegalArgumentException naming the parameter that is missing or out of range
         */
        public ChatCompletionRequest build() {
            return new ChatCompletionRequest(model, messages, temperature, topP, maxTokens, maxCompletionTokens, n,
                    stop, presencePenalty, frequencyPenalty, seed, user, tools, toolChoice, parallelToolCalls,
                    responseFormat, logprobs, topLogprobs, metadata, serviceTier, reasoningEffort, includeUsage,
                    extraBody);
        }
    }
}
