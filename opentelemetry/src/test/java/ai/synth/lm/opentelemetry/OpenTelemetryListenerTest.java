package ai.synth.lm.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.Tool;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryListenerTest {

    private static final String KEY = "sk-test-otel-51c2";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.builder().model(MODEL)
            .messages(List.of(ChatMessage.user("Hello there"))).temperature(0.2).maxTokens(64).build();

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private LocalBackend backend;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        backend = LocalBackend.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
        otel.close();
    }

    private SynthProvider provider(OpenTelemetryListener listener) {
        return new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(d -> CompletableFuture.completedFuture(null)).listener(listener).build());
    }

    private SynthProvider provider() {
        return provider(OpenTelemetryListener.builder(otel).semconvStabilityOptIn(null).build());
    }

    @Test
    void recordsAChatSpanWithTheGenAiAttributesAndNoContent() {
        ChatCompletion answer;
        try (SynthProvider provider = provider()) {
            answer = provider.createChatCompletion(HELLO);
        }

        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("chat " + MODEL);
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        var a = span.getAttributes().asMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
        assertThat(a).containsEntry("gen_ai.operation.name", "chat").containsEntry("gen_ai.system", "synth")
                .containsEntry("gen_ai.request.model", MODEL).containsEntry("gen_ai.response.model", MODEL)
                .containsEntry("gen_ai.response.id", answer.id())
                .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
                .containsEntry("gen_ai.usage.input_tokens", answer.usage().promptTokens())
                .containsEntry("gen_ai.usage.output_tokens", answer.usage().completionTokens())
                .containsEntry("gen_ai.request.temperature", 0.2).containsEntry("gen_ai.request.max_tokens", 64L)
                .containsEntry("server.address", "127.0.0.1").containsEntry("server.port", (long) backend.port())
                .doesNotContainKeys("gen_ai.provider.name", "gen_ai.request.top_p", "error.type",
                        "gen_ai.input.messages", "gen_ai.output.messages");
        assertThat(a.values()).noneMatch(v -> v.toString().contains("Hello there"));
    }

    @Test
    void namesTheProviderGenAiProviderNameWhenOptedIntoTheLatestConventions() {
        try (SynthProvider provider = provider(OpenTelemetryListener.builder(otel)
                .semconvStabilityOptIn("http, gen_ai_latest_experimental").build())) {
            provider.createChatCompletion(HELLO);
        }
        assertThat(onlySpan().getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("synth");
        assertThat(onlySpan().getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isNull();
    }

    @Test
    void recordsPromptAndAnswerOnlyWhenTurnedOn() {
        try (SynthProvider provider = provider(OpenTelemetryListener.builder(otel).captureContent(true).build())) {
            provider.createChatCompletion(HELLO);
        }
        assertThat(onlySpan().getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
                .isEqualTo("[{\"role\":\"user\",\"content\":\"Hello there\"}]");
        assertThat(onlySpan().getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
                .startsWith("[{\"role\":\"assistant\",\"content\":\"");
    }

    @Test
    void recordsAStreamWithItsTimeToFirstChunk() {
        try (SynthProvider provider = provider();
                ChatCompletionStream stream = provider.streamChatCompletion(
                        HELLO.toBuilder().includeUsage(true).build())) {
            assertThat(stream.stream().map(ChatCompletionChunk::content).toList()).isNotEmpty();
        }
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("chat " + MODEL);
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("synth_lm.time_to_first_chunk"))).isPositive();
        assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");
        assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
        assertThat(span.getAttributes().get(OpenTelemetryListener.CANCELLED)).isNull();
    }

    @Test
    void recordsAStreamClosedBeforeItsEndAsCancelledNotAsAnError() {
        backend.enqueue(Fault.streamStall());
        try (SynthProvider provider = provider()) {
            ChatCompletionStream stream = provider.streamChatCompletion(HELLO);
            stream.iterator().next();

            stream.close();
        }
        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(OpenTelemetryListener.CANCELLED)).isTrue();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
        assertThat(span.getEvents()).isEmpty();
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("synth_lm.time_to_first_chunk"))).isPositive();
        assertThat(histogram("gen_ai.client.operation.duration")).singleElement().satisfies(p -> assertThat(
                p.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull());
    }

    @Test
    void recordsAToolCallsFinishReason() {
        Tool weather = Tool.function("get_weather", "Get the weather of a city",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));
        try (SynthProvider provider = provider()) {
            provider.createChatCompletion(ChatCompletionRequest.builder().model(MODEL)
                    .messages(List.of(ChatMessage.user("Use get_weather for Paris"))).tools(List.of(weather)).build());
        }
        assertThat(onlySpan().getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("tool_calls");
    }

    @Test
    void recordsARetryAsASpanEventInOneSpan() {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(3)));
        try (SynthProvider provider = provider()) {
            provider.createChatCompletion(HELLO);
        }
        SpanData span = onlySpan();
        assertThat(span.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("synth_lm.retry");
            assertThat(e.getAttributes().get(AttributeKey.doubleKey("synth_lm.retry.delay"))).isEqualTo(3.0);
            assertThat(e.getAttributes().get(AttributeKey.stringKey("synth_lm.retry.reason"))).isEqualTo("HTTP 429");
        });
        assertThat(span.getAttributes().get(AttributeKey.longKey("synth_lm.attempts"))).isEqualTo(2L);
    }

    @Test
    void recordsAFailedCallWithItsErrorType() {
        backend.enqueue(Fault.status(400));
        try (SynthProvider provider = provider()) {
            assertThatThrownBy(() -> provider.createChatCompletion(HELLO)).isInstanceOf(ApiException.class);
        }
        SpanData span = onlySpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("400");
        HistogramPointData point = histogram("gen_ai.client.operation.duration").get(0);
        assertThat(point.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("400");
    }

    @Test
    void recordsDurationAndTokenHistogramsWithTheConventionsBuckets() {
        ChatCompletion answer;
        try (SynthProvider provider = provider()) {
            answer = provider.createChatCompletion(HELLO);
        }
        MetricData duration = metric("gen_ai.client.operation.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        HistogramPointData d = duration.getHistogramData().getPoints().iterator().next();
        assertThat(d.getBoundaries()).isEqualTo(OpenTelemetryListener.DURATION_BUCKETS);
        assertThat(d.getCount()).isEqualTo(1);
        assertThat(d.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo(MODEL);

        MetricData tokens = metric("gen_ai.client.token.usage");
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        assertThat(histogram("gen_ai.client.token.usage")).hasSize(2).allSatisfy(p -> assertThat(p.getBoundaries())
                .isEqualTo(OpenTelemetryListener.TOKEN_BUCKETS.stream().map(Long::doubleValue).toList()))
                .anySatisfy(p -> {
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))).isEqualTo("input");
                    assertThat(p.getSum()).isEqualTo((double) answer.usage().promptTokens());
                }).anySatisfy(p -> {
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))).isEqualTo("output");
                    assertThat(p.getSum()).isEqualTo((double) answer.usage().completionTokens());
                });
    }

    @Test
    void sendsTheTraceContextOfTheCallsSpanToTheBackend() {
        Span parent = otel.getTracer("test").spanBuilder("parent").startSpan();
        try (Scope ignored = parent.makeCurrent(); SynthProvider provider = provider()) {
            provider.createChatCompletion(HELLO);
        } finally {
            parent.end();
        }
        SpanData chat = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat")).findFirst()
                .orElseThrow();
        assertThat(chat.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(backend.lastRequest().header("traceparent"))
                .startsWith("00-" + chat.getTraceId() + "-" + chat.getSpanId() + "-");
    }

    private SpanData onlySpan() {
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        return spans.getFinishedSpanItems().get(0);
    }

    private MetricData metric(String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }


    @Test
    void theReadmesSetupIsTheOneRunHere() throws java.io.IOException {
        SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of()).build();
        var openTelemetry = otel;
        OpenTelemetryListener telemetry = OpenTelemetryListener.create(openTelemetry);
        SynthProvider provider = new SynthProvider(config.toBuilder().listener(telemetry).build());
        try (provider) {
            provider.createChatCompletion(HELLO);
        }
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        String block = readme.split("<!-- opentelemetry -->\n```\n", 2)[1].split("```", 2)[0];
        String source = java.nio.file.Files.readString(java.nio.file.Path.of("src", "test", "java", "ai", "synth", "lm",
                "opentelemetry", "OpenTelemetryListenerTest.java"));
        assertThat(block.strip().lines().map(String::strip)).isNotEmpty().allSatisfy(line -> assertThat(source).contains(line));
    }

    private List<HistogramPointData> histogram(String name) {
        return List.copyOf(metric(name).getHistogramData().getPoints());
    }
}
