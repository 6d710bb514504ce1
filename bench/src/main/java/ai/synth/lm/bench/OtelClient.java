package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.opentelemetry.OpenTelemetryListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * synth-lm's provider of row synth-lm with the OpenTelemetry module switched on over the real SDK that exports
 * nowhere: every call gets its sampled, recording span with the GenAI attributes, its three histogram records and its
 * {@code traceparent} header, and nothing leaves the process. The SDK is set up with a span processor that asks for
 * no span (a recorded span ends with nobody to hand it to) and with a metric reader whose exporter drops what it is
 * given, every hour. Both are there because the SDK makes no-ops otherwise: a tracer provider with no span processor
 * starts spans that record nothing and have no trace id (so no {@code traceparent} is sent either), and a meter
 * provider with no reader has no-op instruments; either would hide what the listener costs. Export itself runs on
 * the SDK's own threads, off the call path, so leaving it out measures what a call pays.
 */
final class OtelClient implements BenchClient {

    private final OpenTelemetrySdk sdk;
    private final OpenAIProvider provider;

    OtelClient(String baseUrl) {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new Ignore()).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(PeriodicMetricReader
                        .builder(new Discard()).setInterval(Duration.ofHours(1)).build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        Span probe = sdk.getTracer("synth-lm-bench").spanBuilder("probe").startSpan();
        boolean recording = probe.isRecording() && probe.getSpanContext().isValid();
        probe.end();
        if (!recording) { // the row would measure a listener over no-op spans
            throw new IllegalStateException("The OpenTelemetry SDK of row synth-lm-otel does not record spans");
        }
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl).apiKey("bench-key")
                .environment(Map.of()).listener(OpenTelemetryListener.create(sdk)).build());
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder().model(Fixtures.MODEL)
                .messages(List.of(ChatMessage.user(Fixtures.PROMPT))).build();
    }

    @Override
    public int call() {
        return SynthLmClient.call(provider, request());
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return SynthLmClient.callAsync(provider, request());
    }

    @Override
    public int stream() {
        return SynthLmClient.stream(provider, request());
    }

    @Override
    public String limits() {
        return "row synth-lm's provider with OpenTelemetryListener over the OpenTelemetry SDK: spans sampled and"
                + " recorded, their span processor taking none; histograms on a metric reader that drops its export;"
                + " W3C traceparent injected";
    }

    @Override
    public void close() {
        provider.close();
        sdk.close();
    }

    /** A span processor that wants no span: spans are recorded and ended, and nobody is handed them. */
    private static final class Ignore implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }

    /** A metric exporter that drops what it is given. */
    private static final class Discard implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }
}
