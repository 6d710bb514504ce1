package ai.synth.lm.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MicrometerListenerTest {

    private static final String KEY = "sk-test-micrometer-93ab";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    private static final ChatCompletionRequest HELLO = ChatCompletionRequest.builder().model(MODEL)
            .messages(List.of(ChatMessage.user("Hello there"))).temperature(0.5).build();

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private LocalBackend backend;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }

    @AfterEach
    void stop() {
        backend.close();
    }


    @Test
    void theReadmesSetupIsTheOneRunHere() throws java.io.IOException {
        SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of()).build();
        var observationRegistry = observations;
        var meterRegistry = meters;
        MicrometerListener micrometer = MicrometerListener.create(observationRegistry, meterRegistry);
        SynthProvider provider = new SynthProvider(config.toBuilder().listener(micrometer).build());
        try (provider) {
            provider.createChatCompletion(HELLO);
        }
        assertThat(observations).hasNumberOfObservationsEqualTo(1);
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        String block = readme.split("<!-- micrometer -->\n```\n", 2)[1].split("```", 2)[0];
        String source = java.nio.file.Files.readString(java.nio.file.Path.of("src", "test", "java", "ai", "synth", "lm",
                "micrometer", "MicrometerListenerTest.java"));
        assertThat(block.strip().lines().map(String::strip)).isNotEmpty().allSatisfy(line -> assertThat(source).contains(line));
    }

    private SynthProvider provider() {
        return new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(d -> CompletableFuture.completedFuture(null))
                .listener(MicrometerListener.create(observations, meters)).build());
    }

    @Test
    void observesACallWithSpringAiKeyNames() {
        ChatCompletion answer;
        try (SynthProvider provider = provider()) {
            answer = provider.createChatCompletion(HELLO);
        }

        assertThat(observations).hasSingleObservationThat().hasNameEqualTo("gen_ai.client.operation")
                .hasContextualNameEqualTo("chat " + MODEL).hasBeenStarted().hasBeenStopped()
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
                .hasLowCardinalityKeyValue("gen_ai.system", "synth")
                .hasLowCardinalityKeyValue("gen_ai.request.model", MODEL)
                .hasLowCardinalityKeyValue("gen_ai.response.model", MODEL)
                .hasHighCardinalityKeyValue("gen_ai.request.temperature", "0.5")
                .hasHighCardinalityKeyValue("gen_ai.response.id", answer.id())
                .hasHighCardinalityKeyValue("gen_ai.response.finish_reasons", "stop")
                .hasHighCardinalityKeyValue("gen_ai.usage.input_tokens", String.valueOf(answer.usage().promptTokens()))
                .hasHighCardinalityKeyValue("gen_ai.usage.output_tokens",
                        String.valueOf(answer.usage().completionTokens()))
                .doesNotHaveError();
        assertThat(meters.get("gen_ai.client.operation").tag("gen_ai.system", "synth").timer().count()).isEqualTo(1);
        assertThat(meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").counter().count())
                .isEqualTo(answer.usage().completionTokens());
    }

    @Test
    void countsRetriesAndMarksAFailedCallsObservation() {
        backend.enqueue(Fault.status(503));
        backend.enqueue(Fault.status(400));
        try (SynthProvider provider = provider()) {
            assertThatThrownBy(() -> provider.createChatCompletion(HELLO)).isInstanceOf(ApiException.class);
        }
        assertThat(observations).hasSingleObservationThat().hasError()
                .hasLowCardinalityKeyValue("gen_ai.response.model", "none");
        assertThat(meters.get("synth_lm.retries").tag("gen_ai.system", "synth").counter().count()).isEqualTo(1);
        assertThat(meters.get("gen_ai.client.operation").tag("error", "ApiException").timer().count()).isEqualTo(1);
    }

    @Test
    void aStreamClosedBeforeItsEndIsCountedAsCancelledNotAsAnError() {
        backend.enqueue(Fault.streamStall());
        try (SynthProvider provider = provider()) {
            ChatCompletionStream stream = provider.streamChatCompletion(HELLO);
            stream.iterator().next();

            stream.close();
        }
        assertThat(observations).hasSingleObservationThat().doesNotHaveError()
                .hasHighCardinalityKeyValue("synth_lm.cancelled", "true");
        assertThat(meters.get("synth_lm.cancellations").tag("gen_ai.system", "synth")
                .tag("gen_ai.request.model", MODEL).counter().count()).isEqualTo(1);
        assertThat(meters.get("gen_ai.client.operation").tag("error", "none").timer().count()).isEqualTo(1);
    }

    @Test
    void aStreamReadToItsEndIsNotCancelled() {
        try (SynthProvider provider = provider(); ChatCompletionStream stream = provider.streamChatCompletion(HELLO)) {
            stream.forEach(chunk -> { });
        }
        assertThat(observations).hasSingleObservationThat().doesNotHaveError()
                .doesNotHaveHighCardinalityKeyValueWithKey("synth_lm.cancelled");
        assertThat(meters.find("synth_lm.cancellations").counter()).isNull();
    }

    @Test
    void aSenderHandlersHeadersReachTheBackend() {
        observations.observationConfig().observationHandler(new ObservationHandler<SenderContext<Object>>() {
            @Override
            public void onStart(SenderContext<Object> context) {
                context.getSetter().set(context.getCarrier(), "traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
            }
        });
        try (SynthProvider provider = provider()) {
            provider.createChatCompletion(HELLO);
        }
        assertThat(backend.lastRequest().header("traceparent"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void countsTheCooldownsOfARouter() {
        backend.enqueue(Fault.status(503));
        try (Router router = Router.builder().environment(Map.of()).allowedFails(0).numRetries(0)
                .scheduler(d -> CompletableFuture.completedFuture(null))
                .listener(MicrometerListener.create(observations, meters))
                .deployment(Deployment.builder("chat", "openai", MODEL).id("a").baseUrl(backend.baseUrl() + "/v1")
                        .apiKey(KEY).build()).build()) {
            assertThatThrownBy(() -> router.createChatCompletion(ChatCompletionRequest.of("chat", HELLO.messages())))
                    .isInstanceOf(ApiException.class);
        }
        assertThat(meters.get("synth_lm.cooldowns").tag("synth_lm.deployment", "a").counter().count()).isEqualTo(1);
        assertThat(observations).hasNumberOfObservationsEqualTo(1);
    }

    @Test
    void countsTheTokensOfEveryCallAndOfCallsAfterItsCountersWereRemovedFromTheRegistry() {
        long input;
        try (SynthProvider provider = provider()) {
            ChatCompletion first = provider.createChatCompletion(HELLO);
            ChatCompletion second = provider.createChatCompletion(HELLO);
            input = first.usage().promptTokens();
            assertThat(second.usage().promptTokens()).isEqualTo(input);
            assertThat(tokens("input").count()).isEqualTo(2.0 * input);

            meters.remove(tokens("input"));
            meters.remove(tokens("total"));
            ChatCompletion third = provider.createChatCompletion(HELLO);
            assertThat(tokens("input").count()).isEqualTo(third.usage().promptTokens());
            assertThat(tokens("total").count()).isEqualTo(third.usage().totalTokens());
            assertThat(tokens("output").count()).isEqualTo(first.usage().completionTokens()
                    + second.usage().completionTokens() + third.usage().completionTokens());
        }
    }

    private io.micrometer.core.instrument.Counter tokens(String type) {
        return meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", type)
                .tag("gen_ai.request.model", MODEL).tag("gen_ai.response.model", MODEL).counter();
    }
}
