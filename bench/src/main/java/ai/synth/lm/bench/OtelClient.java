package ai.synth.lm.bench;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.opentelemetry.OpenTelemetryListener;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * synth-lm's provider of row synth-lm with the OpenTelemetry module switched on over the real SDK that exports
 * nowhere: every call gets its sampled, recording span with the GenAI attributes, its two histogram records and its
 * {@code traceparent} header, and nothing leaves the process. The SDK is set up with no span processor (a recorded
 * span ends with nobody to hand it to) and with a metric reader whose exporter drops what it is given, every hour;
 * the reader is there because the SDK replaces the instruments of a meter provider with no reader by no-ops, which
 * would hide the histograms' cost. Export itself runs on the SDK's own threads, off the call path, so leaving it out
 * measures what a call pays.
 */
final class OtelClient implements BenchClient {

    private final OpenTelemetrySdk sdk;
    private final OpenAIProvider provider;

    OtelClient(String baseUrl) {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(PeriodicMetricReader
                        .builder(new Discard()).setInterval(Duration.ofHours(1)).build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
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
                + " recorded, no span processor; histograms on a metric reader that drops its export; W3C traceparent"
                + " injected";
    }

    @Override
    public void close() {
        provider.close();
        sdk.close();
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
