package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigTest {

    private final RouterFixture fx = new RouterFixture();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("router.yaml"), yaml);
    }

    private RouterBuilder load(String yaml) throws IOException {
        return fx.router().environment(Map.of("VLLM_KEY", RouterFixture.KEY)).config(write(yaml));
    }

    @Test
    void readsLiteLlmModelListAndRouterSettings() throws Exception {
        LocalBackend a = fx.backend();
        LocalBackend b = fx.backend();
        Router router = fx.track(load("""
                model_list:
                  - model_name: chat
                    litellm_params:
                      model: hosted_vllm/Qwen/Qwen2.5-7B-Instruct
                      api_base: %s/v1
                      api_key: os.environ/VLLM_KEY
                      rpm: 600
                      weight: 2
                      timeout: 30
                      max_parallel_requests: 8
                    model_info:
                      id: vllm-a
                  - model_name: backup
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: %s/v1
                      api_key: %s
                      tpm: 100000
                router_settings:
                  routing_strategy: least-busy
                  num_retries: 1
                  allowed_fails: 2
                  cooldown_time: 30
                  fallbacks: [{"chat": ["backup"]}]
                """.formatted(a.baseUrl(), b.baseUrl(), RouterFixture.KEY)).build());

        Deployment vllm = router.deployments().get(0);
        assertThat(vllm.id()).isEqualTo("vllm-a");
        assertThat(vllm.provider()).isEqualTo("openai");
        assertThat(vllm.model()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
        assertThat(vllm.apiKey()).isEqualTo(RouterFixture.KEY);
        assertThat(vllm.rpm()).isEqualTo(600);
        assertThat(vllm.weight()).isEqualTo(2.0);
        assertThat(vllm.maxParallelRequests()).isEqualTo(8);
        assertThat(vllm.timeout()).hasSeconds(30);
        assertThat(router.deployments().get(1).id()).isEqualTo("openai/gpt-4o-mini");
        assertThat(router.toString()).contains("least-busy");
        router.createChatCompletion(RouterFixture.ask("chat"));
        assertThat(a.lastRequest().bodyJson()).containsEntry("model", "Qwen/Qwen2.5-7B-Instruct");
    }

    @Test
    void warnsOnceByNameForEachUnknownKey() throws Exception {
        LocalBackend a = fx.backend();
        try (LogCapture log = LogCapture.start()) {
            fx.track(load("""
                    model_list:
                      - model_name: chat
                        litellm_params: {model: openai/m1, api_base: %1$s, api_key: k-12345678, stream_timeout: 5}
                      - model_name: chat
                        litellm_params: {model: openai/m2, api_base: %1$s, api_key: k-12345678, stream_timeout: 5}
                    general_settings: {master_key: sk-1234}
                    """.formatted(a.baseUrl())).build());

            assertThat(log.linesContaining("ignoring 'litellm_params.stream_timeout'")).isEqualTo(1);
            assertThat(log.linesContaining("ignoring 'general_settings'")).isEqualTo(1);
            assertThat(log.text()).doesNotContain("sk-1234").doesNotContain("k-12345678");
        }
    }

    @Test
    void namesTheEntryAndTheFixForAWrongType() throws Exception {
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_key: k-1}
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o, api_key: k-2, rpm: fast}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("model_list[1] (model_name chat).litellm_params.rpm must be a whole number")
                .hasMessageContaining("was \"fast\"")
                .hasMessageContaining("write e.g. rpm: ");
    }

    @Test
    void namesTheEntryWhenARequiredKeyIsMissing() throws Exception {
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {api_base: "http://127.0.0.1:1"}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("model_list[0] (model_name chat).litellm_params.model is missing");
        assertThatThrownBy(() -> load("router_settings: {num_retries: 2}\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("model_list is missing");
    }

    @Test
    void namesAnUnsetEnvironmentVariableWithoutGuessingAtItsValue() {
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_key: os.environ/NOT_SET_ANYWHERE}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("environment variable NOT_SET_ANYWHERE, which is not set")
                .hasMessageContaining("model_list[0]");
    }

    @Test
    void rejectsProvidersItDoesNotSpeakAndCompatibleOnesWithoutApiBase() {
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: anthropic/claude-3, api_key: k}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("prefix 'anthropic'").hasMessageContaining("hosted_vllm/");
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: hosted_vllm/llama}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("api_base is missing");
    }

    @Test
    void reportsTheLineOfBrokenYamlAndAnUnknownStrategyWithTheChoices() {
        assertThatThrownBy(() -> load("model_list:\n  - model_name: [chat\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not valid YAML at line");
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_key: k}
                router_settings: {routing_strategy: cost-based-routing}
                """))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("router_settings.routing_strategy")
                .hasMessageContaining("simple-shuffle, least-busy, latency-based-routing, usage-based-routing");
    }

    @Test
    void rejectsAFallbackToAGroupNoDeploymentServes() {
        assertThatThrownBy(() -> load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_key: k}
                router_settings:
                  fallbacks: [{"chat": ["nowhere"]}]
                """).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fallbacks of 'chat' names 'nowhere'");
    }

    @Test
    void failsClearlyWhenTheFileIsMissing() {
        assertThatThrownBy(() -> Router.fromConfig(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Cannot read router config").hasMessageContaining("absent.yaml");
    }

    @Test
    void acceptsUsageBasedRoutingV2AsUsageBased() throws Exception {
        Router router = fx.track(load("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_key: k-123}
                router_settings: {routing_strategy: usage-based-routing-v2}
                """).build());

        assertThat(router.toString()).contains("usage-based-routing");
        assertThat(router.modelGroups()).isEqualTo(List.of("chat"));
    }
}
