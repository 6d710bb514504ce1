package ai.synth.lm.micrometer;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.Usage;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer for synth-lm calls: each call is a {@code gen_ai.client.operation} observation named
 * {@code chat {model}} with the key names Spring AI uses (low cardinality {@code gen_ai.operation.name},
 * {@code gen_ai.system}, {@code gen_ai.request.model}, {@code gen_ai.response.model}; high cardinality the request
 * parameters, {@code gen_ai.response.id}, {@code gen_ai.response.finish_reasons} and {@code gen_ai.usage.*}), so
 * dashboards built for Spring AI show synth-lm calls too. Token counts go to the counter
 * {@code gen_ai.client.token.usage} ({@code gen_ai.token.type} input, output, total); retries, resends,
 * connections, cooldowns, limiter waits and cancellations to {@code synth_lm.*} meters.
 *
 * <p>A call its caller ended early (a stream closed or cancelled before its end, an asynchronous call's future
 * cancelled) is not an error: its observation has no error (the timer's {@code error} tag stays {@code none}), carries
 * the high-cardinality key {@code synth_lm.cancelled = true}, and the counter {@code synth_lm.cancellations} counts it.
 *
 * <pre>{@code
 * MicrometerListener micrometer = MicrometerListener.create(observationRegistry, meterRegistry);
 * SynthProvider provider = new SynthProvider(SynthConfig.builder().listener(micrometer).build());
 * }</pre>
 *
 * <p>The observation's context is a {@link SenderContext} carrying the call, so a tracing handler (Micrometer
 * Tracing's propagating sender handler) adds its trace headers to the request. Prompts and answers are never
 * recorded. Thread-safe.
 */
public final class MicrometerListener implements LMListener {

    /** The observation's name (and its timer's). */
    public static final String OBSERVATION = "gen_ai.client.operation";

    private static final Object OBSERVED = new Object();
    /** How many sets of token counters are kept (by provider, model and response model); more are looked up. */
    static final int MAX_TOKEN_COUNTERS = 1024;

    private final ObservationRegistry observations;
    private final MeterRegistry meters;
    // A registry lookup builds the meter's id, sorting its tags, on every call: three counters a call cost more than
    // the rest of the listener. Kept until the registry removes any meter (it may be one of these), then found again.
    private final Map<Tokens, Counter[]> tokenCounters = new ConcurrentHashMap<>();

    private record Tokens(String provider, String model, String responseModel) {}

    private MicrometerListener(ObservationRegistry observations, MeterRegistry meters) {
        this.observations = observations;
        this.meters = meters;
        meters.config().onMeterRemoved(removed -> tokenCounters.clear());
    }

    /**
     * A listener observing into {@code observations} and counting into {@code meters}.
     *
     * @throws NullPointerException if either is null
     */
    public static MicrometerListener create(ObservationRegistry observations, MeterRegistry meters) {
        return new MicrometerListener(Objects.requireNonNull(observations, "observations"),
                Objects.requireNonNull(meters, "meters"));
    }

    @Override
    public void callStarted(LMCall call) {
        SenderContext<LMCall> context = new SenderContext<>((carrier, name, value) -> carrier.header(name, value));
        context.setCarrier(call);
        context.setRemoteServiceName(call.provider());
        context.setRemoteServiceAddress(call.serverAddress() + ":" + call.serverPort());
        Observation observation = Observation.createNotStarted(OBSERVATION, () -> context, observations)
                .contextualName("chat " + call.model())
                .lowCardinalityKeyValue("gen_ai.operation.name", call.operation())
                .lowCardinalityKeyValue("gen_ai.system", call.provider())
                .lowCardinalityKeyValue("gen_ai.request.model", call.model())
                .lowCardinalityKeyValue("gen_ai.response.model", KeyValue.NONE_VALUE);
        requestKeys(observation, call.request());
        if (call.deployment() != null) {
            observation.highCardinalityKeyValue("synth_lm.deployment", call.deployment());
        }
        call.attach(OBSERVED, observation.start());
    }

    private static void requestKeys(Observation o, ChatCompletionRequest r) {
        if (r.temperature() != null) {
            o.highCardinalityKeyValue("gen_ai.request.temperature", String.valueOf(r.temperature()));
        }
        if (r.topP() != null) {
            o.highCardinalityKeyValue("gen_ai.request.top_p", String.valueOf(r.topP()));
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (max != null) {
            o.highCardinalityKeyValue("gen_ai.request.max_tokens", String.valueOf(max));
        }
        if (r.presencePenalty() != null) {
            o.highCardinalityKeyValue("gen_ai.request.presence_penalty", String.valueOf(r.presencePenalty()));
        }
        if (r.frequencyPenalty() != null) {
            o.highCardinalityKeyValue("gen_ai.request.frequency_penalty", String.valueOf(r.frequencyPenalty()));
        }
        if (r.stop() != null && !r.stop().isEmpty()) {
            o.highCardinalityKeyValue("gen_ai.request.stop_sequences", String.join(",", r.stop()));
        }
    }

    @Override
    public void callEnded(CallEnd end) {
        LMCall call = end.call();
        String responseModel = end.responseModel() != null ? end.responseModel() : KeyValue.NONE_VALUE;
        if (end.cancelled()) {
            Counter.builder("synth_lm.cancellations")
                    .description("Calls their caller ended before the answer was whole")
                    .tag("gen_ai.system", call.provider()).tag("gen_ai.request.model", call.model())
                    .register(meters).increment();
        }
        Usage usage = end.usage();
        if (usage != null) {
            Counter[] counters = tokenCounters(call, responseModel);
            counters[0].increment(usage.promptTokens());
            counters[1].increment(usage.completionTokens());
            counters[2].increment(usage.totalTokens());
        }
        if (!(call.attachment(OBSERVED) instanceof Observation observation)) {
            return;
        }
        call.attach(OBSERVED, null);
        observation.lowCardinalityKeyValue("gen_ai.response.model", responseModel);
        if (end.responseId() != null) {
            observation.highCardinalityKeyValue("gen_ai.response.id", end.responseId());
        }
        if (!end.finishReasons().isEmpty()) {
            observation.highCardinalityKeyValue("gen_ai.response.finish_reasons", String.join(",", end.finishReasons()));
        }
        if (usage != null) {
            observation.highCardinalityKeyValue("gen_ai.usage.input_tokens", String.valueOf(usage.promptTokens()))
                    .highCardinalityKeyValue("gen_ai.usage.output_tokens", String.valueOf(usage.completionTokens()))
                    .highCardinalityKeyValue("gen_ai.usage.total_tokens", String.valueOf(usage.totalTokens()));
        }
        if (end.error() != null) {
            observation.error(end.error());
        } else if (end.cancelled()) {
            observation.highCardinalityKeyValue("synth_lm.cancelled", "true");
        }
        observation.stop();
    }

    /** The input, output and total token counters of calls like {@code call} answered by {@code responseModel}. */
    private Counter[] tokenCounters(LMCall call, String responseModel) {
        Tokens key = new Tokens(call.provider(), call.model(), responseModel);
        Counter[] counters = tokenCounters.get(key);
        if (counters == null) {
            counters = new Counter[] {tokenCounter(call, responseModel, "input"),
                tokenCounter(call, responseModel, "output"), tokenCounter(call, responseModel, "total")};
            if (tokenCounters.size() < MAX_TOKEN_COUNTERS) {
                tokenCounters.putIfAbsent(key, counters);
            }
        }
        return counters;
    }

    private Counter tokenCounter(LMCall call, String responseModel, String type) {
        return Counter.builder("gen_ai.client.token.usage").description("Tokens used by GenAI calls")
                .tag("gen_ai.operation.name", call.operation()).tag("gen_ai.system", call.provider())
                .tag("gen_ai.request.model", call.model()).tag("gen_ai.response.model", responseModel)
                .tag("gen_ai.token.type", type).register(meters);
    }

    @Override
    public void retryScheduled(Retry retry) {
        Counter.builder("synth_lm.retries").description("Attempts that failed and were tried again")
                .tag("gen_ai.system", retry.call() != null ? retry.call().provider() : "router")
                .tag("synth_lm.deployment", retry.deployment() != null ? retry.deployment() : KeyValue.NONE_VALUE)
                .register(meters).increment();
    }

    @Override
    public void requestResent(Resend resend) {
        Counter.builder("synth_lm.resends").description("Requests sent again on a new connection after a pooled one broke")
                .tag("gen_ai.system", resend.provider()).register(meters).increment();
    }

    @Override
    public void connectionOpened(Connection connection) {
        Counter.builder("synth_lm.connections").description("Connections opened")
                .tag("gen_ai.system", connection.provider()).register(meters).increment();
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        Counter.builder("synth_lm.cooldowns").description("Router deployments put into a cooldown")
                .tag("synth_lm.model_group", cooldown.modelGroup()).tag("synth_lm.deployment", cooldown.deployment())
                .register(meters).increment();
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        Timer.builder("synth_lm.limiter.waits").description("Waits of routed calls for a deployment with capacity")
                .tag("synth_lm.model_group", wait.modelGroup()).tag("synth_lm.reason", wait.why())
                .register(meters).record(wait.delay());
    }
}
