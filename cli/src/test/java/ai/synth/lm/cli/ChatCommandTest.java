package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatCommandTest {

    private static final String KEY = "sk-test-secret-123";
    private static final String CHAT = "/v1/chat/completions";

    private LocalBackend backend;
    private Map<String, String> synthEnv;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        synthEnv = Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", KEY);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void printsTheReplyAndSendsOnlyTheOptionsGiven() {
        Run run = Run.of(synthEnv, "chat", "--system", "Be brief.", "--temperature", "0.2", "--max-tokens", "50",
                "Hello there");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("you said \"Hello there\"").endsWith("\n");
        assertThat(run.err()).contains("simulator, not a model");
        RecordedRequest request = backend.lastRequest();
        assertThat(request.path()).isEqualTo(CHAT);
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.bodyJson()).containsOnlyKeys("model", "messages", "temperature", "max_tokens")
                .containsEntry("model", "Qwen/Qwen2.5-7B-Instruct")
                .containsEntry("temperature", 0.2)
                .containsEntry("max_tokens", 50)
                .containsEntry("messages", List.of(Map.of("role", "system", "content", "Be brief."),
                        Map.of("role", "user", "content", "Hello there")));
    }

    @Test
    void withVPrintsEachAttemptAndRetryAsItHappens() {
        backend.enqueue(ai.synth.lm.testserver.Fault.rateLimited(java.time.Duration.ZERO));

        Run run = Run.of(synthEnv, "chat", "-v", "Hello there");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("you said \"Hello there\"");
        assertThat(run.err().lines().filter(l -> l.startsWith("[synth-lm] ")).map(l -> l.replaceAll("\\d+ ms", "N ms")))
                .containsSubsequence("[synth-lm] attempt 1: HTTP 429 in N ms", "[synth-lm] retrying in N ms after HTTP 429",
                        "[synth-lm] attempt 2: HTTP 200 in N ms")
                .anyMatch(l -> l.startsWith("[synth-lm] calling synth model Qwen/Qwen2.5-7B-Instruct at 127.0.0.1:"))
                .anyMatch(l -> l.startsWith("[synth-lm] done after 2 attempts in N ms, "));
        assertThat(run.err()).doesNotContain(KEY);
    }

    @Test
    void readsThePromptFromStdinWhenNoneIsGiven() {
        Run run = Run.withStdin(synthEnv, "Piped prompt\n", "chat");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("you said \"Piped prompt\"");
    }

    @Test
    void emptyPromptIsAUsageError() {
        Run run = Run.withStdin(synthEnv, "  \n", "chat");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("No prompt");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void jsonPrintsTheWholeResponseInOpenAIShape() throws Exception {
        Run run = Run.of(synthEnv, "chat", "--json", "Hi");

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("object").asText()).isEqualTo("chat.completion");
        assertThat(json.path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(json.path("choices").get(0).path("message").path("content").asText()).contains("you said \"Hi\"");
        assertThat(json.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(json.path("usage").path("total_tokens").asLong()).isPositive();
        assertThat(json.path("system_fingerprint").asText()).isEqualTo("synth-lm-local");
    }

    @Test
    void streamPrintsTheReplyAsItArrives() {
        Run run = Run.of(synthEnv, "chat", "--stream", "Hi there");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Run.of(synthEnv, "chat", "Hi there").out());
        assertThat(run.err()).contains("simulator, not a model");
        assertThat(backend.requests().get(0).bodyJson()).containsEntry("stream", true);
    }

    @Test
    void streamAndJsonDoNotCombine() {
        Run run = Run.of(synthEnv, "chat", "--stream", "--json", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--stream and --json do not combine");
    }

    @Test
    void openaiProviderUsesItsVariablesAndDefaultModel() {
        Map<String, String> env = Map.of("OPENAI_BASE_URL", backend.baseUrl() + "/v1", "OPENAI_API_KEY", KEY);

        Run run = Run.of(env, "chat", "--provider", "OpenAI", "Hi");

        assertThat(run.exitCode()).isZero();
        assertThat(backend.lastRequest().bodyJson()).containsEntry("model", "gpt-4o-mini");
    }

    @Test
    void lmProviderChoosesTheDefaultProvider() {
        Map<String, String> env = Map.of("LM_PROVIDER", "openai", "OPENAI_BASE_URL", backend.baseUrl(),
                "OPENAI_API_KEY", KEY);

        Run run = Run.of(env, "chat", "--model", "gpt-4.1", "Hi");

        assertThat(run.exitCode()).isZero();
        assertThat(backend.lastRequest().bodyJson()).containsEntry("model", "gpt-4.1");
    }

    @Test
    void baseUrlOptionOverridesTheEnvironment() {
        Map<String, String> env = Map.of("SYNTH_BASE_URL", "http://127.0.0.1:1", "SYNTH_API_KEY", KEY);

        Run run = Run.of(env, "chat", "--base-url", backend.baseUrl() + "/v1", "Hi");

        assertThat(run.exitCode()).isZero();
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
    }

    @Test
    void missingBaseUrlIsAConfigurationErrorOnOneLine() {
        Run run = Run.of(Map.of("SYNTH_API_KEY", KEY), "chat", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("SYNTH_BASE_URL not found in environment");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingOpenAIKeyIsAConfigurationError() {
        Run run = Run.of(Map.of(), "chat", "--provider", "openai", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("OPENAI_API_KEY not found");
    }

    @Test
    void unknownLmProviderIsAConfigurationError() {
        Run run = Run.of(Map.of("LM_PROVIDER", "anthropic"), "chat", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("synth-lm chat: LM_PROVIDER=anthropic is not a known provider: use one of synth, openai");
    }

    @Test
    void unknownProviderOptionIsAUsageError() {
        Run run = Run.of(synthEnv, "chat", "--provider", "anthropic", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("Unknown provider \"anthropic\"");
    }

    @Test
    void temperatureOutOfRangeIsOneLineWithExit2AndNoCall() {
        Run run = Run.of(synthEnv, "chat", "--temperature", "5", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("synth-lm chat: temperature must be between 0 and 2, was 5.0");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void temperatureThatIsNotANumberIsAUsageError() {
        Run run = Run.of(synthEnv, "chat", "--temperature", "warm", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--temperature").contains("warm");
    }

    @Test
    void rejectedKeyIsAnApiFailureOnOneLineWithoutTheKey() {
        String wrongKey = "sk-wrong-key-456";
        Run run = Run.of(Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", wrongKey), "chat", "Hi");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("synth-lm chat: synth rejected the API key (HTTP 401)")
                .doesNotContain(wrongKey).doesNotContain(KEY);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void maxTokensCutIsReported() {
        Run run = Run.of(synthEnv, "chat", "--max-tokens", "2", "Tell me a long story about Java");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("cut at the token limit");
    }

    private java.nio.file.Path routerConfig(java.nio.file.Path dir, String body) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("router.yaml"), body);
    }

    @Test
    void configRoutesOverDeploymentsAndStepsAroundAFailingOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (LocalBackend failing = LocalBackend.builder().apiKey(KEY).build().start()) {
            failing.enqueue(ai.synth.lm.testserver.Fault.status(503));
            java.nio.file.Path config = routerConfig(dir, """
                    model_list:
                      - model_name: chat
                        litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: os.environ/ROUTER_KEY, weight: 1000}
                        model_info: {id: failing}
                      - model_name: chat
                        litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: os.environ/ROUTER_KEY}
                        model_info: {id: healthy}
                    """.formatted(failing.baseUrl(), backend.baseUrl()));

            Run run = Run.of(Map.of("ROUTER_KEY", KEY), "chat", "--config", config.toString(), "--model", "chat",
                    "Hello router");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("you said \"Hello router\"");
            // the weight sends the first attempt to the failing deployment; its 503 is retried on the other
            assertThat(failing.requestCount(CHAT)).isEqualTo(1);
            assertThat(backend.requestCount(CHAT)).isEqualTo(1);
        }
    }

    @Test
    void withVAndAConfigPrintsEachDeploymentCallAndTheRetryElsewhereInOrder(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (LocalBackend failing = LocalBackend.builder().apiKey(KEY).build().start()) {
            failing.enqueue(ai.synth.lm.testserver.Fault.status(503));
            java.nio.file.Path config = routerConfig(dir, """
                    model_list:
                      - model_name: chat
                        litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: os.environ/ROUTER_KEY, weight: 1000}
                        model_info: {id: failing}
                      - model_name: chat
                        litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: os.environ/ROUTER_KEY}
                        model_info: {id: healthy}
                    """.formatted(failing.baseUrl(), backend.baseUrl()));

            Run run = Run.of(Map.of("ROUTER_KEY", KEY), "chat", "-v", "--config", config.toString(), "--model",
                    "chat", "Hello router");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err().lines().filter(l -> l.startsWith("[synth-lm] ")).map(l -> l.replaceAll("\\d+ ms", "N ms")
                    .replaceAll("at 127\\.0\\.0\\.1:\\d+", "at HOST")))
                    .containsSubsequence("[synth-lm] calling openai (deployment failing) model sim at HOST",
                            "[synth-lm] attempt 1: HTTP 503 in N ms",
                            "[synth-lm] calling openai (deployment healthy) model sim at HOST",
                            "[synth-lm] attempt 1: HTTP 200 in N ms")
                    .anyMatch(l -> l.startsWith("[synth-lm] retrying elsewhere after deployment failing failed in N ms"
                            + " after HTTP 503"))
                    .anyMatch(l -> l.startsWith("[synth-lm] failed after 1 attempt in N ms"))
                    .anyMatch(l -> l.startsWith("[synth-lm] done after 1 attempt in N ms"));
            assertThat(run.err()).doesNotContain(KEY);
        }
    }

    @Test
    void configWithAnUnknownGroupIsAUsageErrorListingTheGroups(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path config = routerConfig(dir, """
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: k-123456}
                """.formatted(backend.baseUrl()));

        Run run = Run.of(Map.of(), "chat", "--config", config.toString(), "--model", "gpt-9", "Hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--model gpt-9 is not a model group of").contains("use one of chat");
        assertThat(backend.requestCount(CHAT)).isZero();
    }

    @Test
    void brokenConfigIsOneLineNamingTheEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path config = routerConfig(dir, """
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/sim, rpm: lots}
                """);

        Run run = Run.of(Map.of(), "chat", "--config", config.toString(), "--model", "chat", "Hi");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).singleElement().asString()
                .contains("model_list[0] (model_name chat).litellm_params.rpm must be a whole number");
    }
}
