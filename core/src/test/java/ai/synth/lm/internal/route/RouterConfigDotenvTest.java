package ai.synth.lm.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.RouterBuilder;
import ai.synth.lm.internal.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code os.environ/NAME} in a router config reads the process environment, then {@code .env}, as providers do. */
class RouterConfigDotenvTest {

    @TempDir
    Path dir;

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("router.yaml"), """
                model_list:
                  - model_name: chat
                    litellm_params:
                      model: hosted_vllm/qwen
                      api_base: http://127.0.0.1:9/v1
                      api_key: os.environ/VLLM_KEY
                    model_info: {id: from-file}
                  - model_name: chat
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: http://127.0.0.1:9/v1
                      api_key: os.environ/OPENAI_KEY
                    model_info: {id: from-process}
                """);
    }

    @Test
    void readsAKeyFromTheDotenvFileWhenTheProcessLacksItAndLetsTheProcessWin() throws Exception {
        Files.writeString(dir.resolve(".env"), "VLLM_KEY=sk-dotenv-vllm-0123456789\nOPENAI_KEY=sk-dotenv-openai-0123\n");
        RouterBuilder builder = Router.builder().environment(Map.of());
        RouterConfigFile.load(config(), Environment.of(Map.of("OPENAI_KEY", "sk-process-openai-0123"), dir), builder);

        try (Router router = builder.build()) {
            assertThat(router.deployments()).extracting(Deployment::id, Deployment::apiKey).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("from-file", "sk-dotenv-vllm-0123456789"),
                    org.assertj.core.groups.Tuple.tuple("from-process", "sk-process-openai-0123"));
        }
    }

    @Test
    void namesTheDotenvFileInTheFixWhenAVariableIsSetNowhere() throws Exception {
        Files.writeString(dir.resolve(".env"), "OPENAI_KEY=sk-dotenv-openai-0123\n");
        RouterBuilder builder = Router.builder().environment(Map.of());

        assertThatThrownBy(() -> RouterConfigFile.load(config(), Environment.of(Map.of(), dir), builder))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("model_list[0] (model_name chat).litellm_params.api_key refers to the"
                        + " environment variable VLLM_KEY, which is not set")
                .hasMessageContaining("or a .env file");
    }
}
