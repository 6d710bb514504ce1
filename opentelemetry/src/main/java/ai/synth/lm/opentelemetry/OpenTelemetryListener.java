package ai.synth.lm.opentelemetry;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.SynthLMException;
import ai.synth.lm.Usage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Objects;

/**
 * Spans and metrics of synth-lm calls by the OpenTelemetry GenAI semantic conventions: a span
 * {@code chat {gen_ai.request.model}} of kind CLIENT per call (its parent is the span current when the call starts),
 * retries as span events, the histograms {@code gen_ai.client.operation.duration} and
 * {@code gen_ai.client.token.usage}, and the trace context sent along in the request headers (W3C
 * {@code traceparent} with the default propagators). Prompts and answers are not recorded unless
 * {@link Builder#captureContent} turns them on.
 *
 * <p>A call its caller ended early (a stream closed or cancelled before its end, an asynchronous call's future
 * cancelled) is not an error: as the conventions ask of a cancel the caller meant, its span keeps the status unset and
 * has no {@code error.type}, and carries {@code synth_lm.cancelled = true} instead; its duration is recorded without
 * {@code error.type}.
 *
 * <pre>{@code
 * OpenTelemetryListener telemetry = OpenTelemetryListener.create(openTelemetry);
 * SynthProvider provider = new SynthProvider(SynthConfig.builder().listener(telemetry).build());
 * }</pre>
 *
 * <p>The provider attribute is {@code gen_ai.system}, as conventions up to v1.36 named it, unless the environment
 * variable {@code OTEL_SEMCONV_STABILITY_OPT_IN} lists {@code gen_ai_latest_experimental}: then it is
 * {@code gen_ai.provider.name}. Thread-safe; it does only quick, non-blocking work on the calling threads.
 */
public final class OpenTelemetryListener implements LMListener {

    /** The instrumentation scope name of the spans and metrics. */
    public static final String SCOPE = "ai.synth.lm";
    /** The value of {@code OTEL_SEMCONV_STABILITY_OPT_IN} that selects the latest GenAI attribute names. */
    public static final String LATEST = "gen_ai_latest_experimental";

    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);

    private static final Object SPAN = new Object();
    /** On the span of a call its caller ended early (a stream closed before its end, a future cancelled). */
    static final AttributeKey<Boolean> CANCELLED = AttributeKey.booleanKey("synth_lm.cancelled");
    // Made once: a span's setAttribute(String, ...) makes its key anew on every call
    private static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("synth_lm.deployment");
    private static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    private static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    private static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    private static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
            AttributeKey.doubleKey("synth_lm.time_to_first_chunk");
    private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("synth_lm.attempts");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final DoubleHistogram duration;
    private final LongHistogram tokens;
    private final AttributeCache attributes;
    private final boolean captureContent;

    private OpenTelemetryListener(Builder b) {
        this.tracer = b.openTelemetry.getTracer(SCOPE);
        this.propagator = b.openTelemetry.getPropagators().getTextMapPropagator();
        Meter meter = b.openTelemetry.getMeter(SCOPE);
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        this.attributes = new AttributeCache(AttributeKey.stringKey(latest(b.semconvOptIn) ? "gen_ai.provider.name"
                : "gen_ai.system"));
        this.captureContent = b.captureContent;
    }

    /** A listener with the defaults: no content, attribute names from {@code OTEL_SEMCONV_STABILITY_OPT_IN}. */
    public static OpenTelemetryListener create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /** A builder over {@code openTelemetry}'s tracer, meter and propagators. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    static boolean latest(String optIn) {
        if (optIn == null) {
            return false;
        }
        for (String part : optIn.split(",")) {
            if (part.strip().equals(LATEST)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void callStarted(LMCall call) {
        Context parent = Context.current();
        ChatCompletionRequest r = call.request();
        AttributeCache.Start start = attributes.start(call);
        var span = tracer.spanBuilder(start.name()).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAllAttributes(start.attributes());
        Semconv.requestAttributes(r, span);
        if (call.deployment() != null) {
            span.setAttribute(DEPLOYMENT, call.deployment());
        }
        if (captureContent) {
            span.setAttribute(INPUT_MESSAGES, Content.messages(r));
        }
        Span started = span.startSpan();
        call.attach(SPAN, started);
        propagator.inject(parent.with(started), call, (c, name, value) -> c.header(name, value));
    }

    @Override
    public void retryScheduled(Retry retry) {
        Span span = retry.call() != null && retry.call().attachment(SPAN) instanceof Span s ? s : Span.current();
        span.addEvent("synth_lm.retry", Attributes.builder().put("synth_lm.attempt", (long) retry.attempt())
                .put("synth_lm.retry.delay", retry.delay().toNanos() / 1e9).put("synth_lm.retry.reason", retry.reason())
                .put("synth_lm.deployment", retry.deployment() == null ? "" : retry.deployment()).build());
    }

    @Override
    public void callEnded(CallEnd end) {
        LMCall call = end.call();
        AttributeCache.Metric metric = attributes.end(call, end.responseModel(),
                end.error() != null ? errorType(end.error()) : null);
        duration.record(end.duration().toNanos() / 1e9, metric.duration());
        Usage usage = end.usage();
        if (usage != null) {
            tokens.record(usage.promptTokens(), metric.input());
            tokens.record(usage.completionTokens(), metric.output());
        }
        if (call.attachment(SPAN) instanceof Span span) {
            call.attach(SPAN, null);
            endSpan(span, end, usage);
        }
    }

    private void endSpan(Span span, CallEnd end, Usage usage) {
        if (end.responseModel() != null) {
            span.setAttribute(RESPONSE_MODEL, end.responseModel());
        }
        if (end.responseId() != null) {
            span.setAttribute(RESPONSE_ID, end.responseId());
        }
        if (!end.finishReasons().isEmpty()) {
            span.setAttribute(FINISH_REASONS, end.finishReasons());
        }
        if (usage != null) {
            span.setAttribute(INPUT_TOKENS, usage.promptTokens());
            span.setAttribute(OUTPUT_TOKENS, usage.completionTokens());
        }
        if (end.timeToFirstChunk() != null) {
            span.setAttribute(TIME_TO_FIRST_CHUNK, end.timeToFirstChunk().toNanos() / 1e9);
        }
        span.setAttribute(ATTEMPTS, (long) end.attempts());
        if (captureContent && end.completion() != null) {
            span.setAttribute(OUTPUT_MESSAGES, Content.choices(end.completion()));
        }
        if (end.error() != null) {
            span.setAttribute(ERROR_TYPE, errorType(end.error()));
            span.setStatus(StatusCode.ERROR, end.error().getMessage());
            span.recordException(end.error());
        } else if (end.cancelled()) {
            // The caller's own choice, not an error: the HTTP conventions leave the status unset and error.type out
            span.setAttribute(CANCELLED, true);
        }
        span.end();
    }

    /** The HTTP status of a failed response, else the exception's class name. */
    static String errorType(Throwable error) {
        if (error instanceof SynthLMException e && e.status() > 0) {
            return String.valueOf(e.status());
        }
        return error.getClass().getName();
    }

    /** Settings of an {@link OpenTelemetryListener}. Not thread-safe. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean captureContent;
        private String semconvOptIn = System.getenv("OTEL_SEMCONV_STABILITY_OPT_IN");

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * Whether spans carry the prompt ({@code gen_ai.input.messages}) and the answer
         * ({@code gen_ai.output.messages}, calls that were not streamed) as JSON. They may hold personal data.
         * Default false.
         */
        public Builder captureContent(boolean captureContent) {
            this.captureContent = captureContent;
            return this;
        }

        /**
         * The value of {@code OTEL_SEMCONV_STABILITY_OPT_IN} to follow, instead of the environment's; null means not
         * set. With {@value #LATEST} among its comma-separated values, the provider attribute is
         * {@code gen_ai.provider.name}, else {@code gen_ai.system}.
         */
        public Builder semconvStabilityOptIn(String value) {
            this.semconvOptIn = value;
            return this;
        }

        /** The listener. */
        public OpenTelemetryListener build() {
            return new OpenTelemetryListener(this);
        }
    }
}
