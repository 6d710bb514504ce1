package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ListModelsTest {

    /** The two faces of listing. */
    enum ListFace {
        SYNC(UnifiedLMProvider::listModels),
        ASYNC(p -> Futures.await(p.listModelsAsync()));

        private final Function<UnifiedLMProvider, List<Model>> call;

        ListFace(Function<UnifiedLMProvider, List<Model>> call) {
            this.call = call;
        }
    }

    private LocalBackend backend;
    private RecordingScheduler scheduler;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey("k").models(List.of("Qwen/Qwen2.5-7B-Instruct", "gpt-4o-mini"))
                .build().start();
        scheduler = new RecordingScheduler();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private SynthProvider synth(String key) {
        return new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(key).environment(Map.of())
                .scheduler(scheduler).build());
    }

    @ParameterizedTest
    @EnumSource(ListFace.class)
    void listsTheModelsTheBackendServes(ListFace face) {
        try (SynthProvider provider = synth("k")) {
            List<Model> models = face.call.apply(provider);

            assertThat(models).extracting(Model::id).containsExactly("Qwen/Qwen2.5-7B-Instruct", "gpt-4o-mini");
            assertThat(models.get(0).object()).isEqualTo("model");
            assertThat(models.get(0).ownedBy()).isEqualTo("synth-lm-local");
            assertThat(models.get(0).created()).isPositive();
            assertThat(backend.lastRequest().method()).isEqualTo("GET");
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/models");
            assertThat(backend.lastRequest().header("authorization")).isEqualTo("Bearer k");
        }
    }

    @Test
    void theOpenAIProviderListsFromItsV1Base() {
        try (OpenAIProvider provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1")
                .apiKey("k").environment(Map.of()).build())) {
            assertThat(provider.listModels()).hasSize(2);
            assertThat(backend.lastRequest().path()).isEqualTo("/v1/models");
        }
    }

    @Test
    void keepsFieldsAModelEntryHasBeyondTheSpec() {
        backend.enqueueFor("/v1/models", Fault.body(200, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"m\","
                + "\"object\":\"model\",\"created\":1,\"owned_by\":\"vllm\",\"max_model_len\":32768}]}"));
        try (SynthProvider provider = synth("k")) {
            assertThat(provider.listModels()).containsExactly(
                    new Model("m", "model", 1, "vllm", Map.of("max_model_len", 32768)));
        }
    }

    @Test
    void retriesAnUnavailableBackendAsAChatCallDoes() {
        backend.enqueueFor("/v1/models", Fault.status(503));
        try (SynthProvider provider = synth("k")) {
            assertThat(provider.listModels()).hasSize(2);
            assertThat(backend.requests()).hasSize(2);
            assertThat(scheduler.delays).hasSize(1);
        }
    }

    @Test
    void aWrongKeyIsAnAuthenticationError() {
        try (SynthProvider provider = synth("wrong")) {
            AuthenticationException e = catchThrowableOfType(AuthenticationException.class, provider::listModels);

            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).doesNotContain("wrong");
        }
    }

    @Test
    void anAnswerThatIsNotAModelListIsAnInvalidResponse() {
        backend.enqueueFor("/v1/models", Fault.body(200, "application/json", "{\"models\":[]}"));
        try (SynthProvider provider = synth("k")) {
            InvalidResponseException e = catchThrowableOfType(InvalidResponseException.class, provider::listModels);

            assertThat(e).hasMessageStartingWith("synth answered GET /models with HTTP 200 but not a model list");
        }
    }
}
