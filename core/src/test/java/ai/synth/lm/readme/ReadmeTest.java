package ai.synth.lm.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.WarmupResult;
import ai.synth.lm.internal.Warmer;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md honest: every {@code java} block in it must appear line for line in {@link ReadmeExamples},
 * and those examples run here against the local backend, configured through a real {@code .env} file.
 */
class ReadmeTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLES = Path.of("src", "test", "java", "ai", "synth", "lm", "readme", "ReadmeExamples.java");
    private static final Path DOTENV = Path.of(".env");
    private static final String KEY = "readme-key";

    private static LocalBackend backend;
    private static SynthConfig config;

    @BeforeAll
    static void startBackendAndWriteDotenv() throws IOException {
        Assumptions.assumeFalse(Files.exists(DOTENV), "a .env already exists in " + DOTENV.toAbsolutePath()
                + "; the README examples write their own there, so they are skipped");
        Warmer.clearCache();
        // What a user's module-info says with `opens ... to com.fasterxml.jackson.databind`: the examples' records are
        // read by Jackson. The tests run inside the library's module, which may open its own package at run time.
        ModuleLayer.boot().findModule("com.fasterxml.jackson.databind")
                .ifPresent(jackson -> ReadmeTest.class.getModule().addOpens("ai.synth.lm.readme", jackson));
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(1).build().start();
        Files.writeString(DOTENV, "# written by ReadmeTest, deleted after it\n"
                + "SYNTH_BASE_URL=" + backend.baseUrl() + "\n"
                + "SYNTH_API_KEY=" + KEY + "\n"
                + "OPENAI_API_KEY=" + KEY + "\n"
                + "OPENAI_BASE_URL=" + backend.baseUrl() + "/v1\n");
        config = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(d -> java.util.concurrent.CompletableFuture.completedFuture(null)).build();
    }

    @AfterAll
    static void stop() throws IOException {
        Files.deleteIfExists(DOTENV);
        if (backend != null) {
            backend.close();
        }
        Warmer.clearCache();
    }

    @Test
    void everyJavaBlockOfTheReadmeIsInTheExamples() throws IOException {
        List<String> examples = normalized(Files.readString(EXAMPLES));
        List<List<String>> blocks = javaBlocks(Files.readString(README));
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(10);
        for (List<String> block : blocks) {
            List<String> imports = block.stream().filter(l -> l.startsWith("import ")).toList();
            List<String> code = block.subList(imports.size(), block.size());
            if (!examples.containsAll(imports) || indexOf(examples, code) < 0) {
                fail("This README block is not in ReadmeExamples.java, so it is not compiled or run:\n"
                        + String.join("\n", block));
            }
        }
    }

    @Test
    void quickStartWarmsUpAndAnswers() {
        assertThat(ReadmeExamples.quickStart()).startsWith("true ").contains("Hello!");
    }

    @Test
    void fullRequestSendsOnlyWhatWasSet() {
        try (SynthProvider provider = new SynthProvider(config)) {
            assertThat(ReadmeExamples.fullRequest(provider).content()).contains("Hello!");
            assertThat(backend.lastRequest().bodyJson())
                    .containsOnlyKeys("model", "messages", "temperature", "max_tokens", "top_k");
        }
    }

    @Test
    void rawResponseHasTheRequestIdAndTheBodyAsSent() {
        try (SynthProvider provider = new SynthProvider(config)) {
            String out = ReadmeExamples.rawResponse(provider, ChatCompletionRequest.of("Qwen/Qwen2.5-7B-Instruct",
                    List.of(ChatMessage.user("Hello!"))));

            assertThat(out).startsWith("req_local_").contains("Hello!");
            assertThat(Integer.parseInt(out.split(" ")[1])).isGreaterThan(100);
        }
    }

    @Test
    void oneShotsAndProviderSwitchingReadTheDotenvFile() {
        assertThat(ReadmeExamples.oneShot()).hasSize(2).allSatisfy(r -> assertThat(r.content()).contains("Hello!"));
        List<ChatCompletion> answers = ReadmeExamples.providerSwitching();
        assertThat(answers).extracting(ChatCompletion::model)
                .containsExactly("Qwen/Qwen2.5-7B-Instruct", "gpt-4o-mini", "Qwen/Qwen2.5-7B-Instruct");
        assertThat(ReadmeExamples.rawHttpAfter()).contains("Hello!");
    }

    @Test
    void streamingAccumulatesTheWholeAnswer() {
        try (SynthProvider provider = new SynthProvider(config)) {
            assertThat(ReadmeExamples.streaming(provider)).contains("Tell me a story.");
            ChatCompletionRequest request = ChatCompletionRequest.of("m", List.of(ChatMessage.user("Hi there")));
            assertThat(ReadmeExamples.streamingAsync(provider, request).join()).contains("Hi there");
        }
    }

    @Test
    void toolCallRoundTrip() {
        try (SynthProvider provider = new SynthProvider(config)) {
            ChatCompletion finalAnswer = ReadmeExamples.toolCalling(provider);
            assertThat(finalAnswer.content()).contains("get_weather").contains("21");
        }
    }

    @Test
    void structuredOutputAndTypedToolArguments() {
        try (SynthProvider provider = new SynthProvider(config)) {
            List<Object> weather = ReadmeExamples.structuredOutput(provider);
            assertThat(weather).hasSize(2).allSatisfy(w -> assertThat(w).isEqualTo(weather.get(0)));
            assertThat(((ReadmeExamples.Weather) weather.get(0)).city()).isEqualTo("Paris");
            assertThat(ReadmeExamples.typedTool(provider).location()).isEqualTo("Paris");
        }
    }

    @Test
    void contentPartsGoOutAsTypedParts() {
        try (SynthProvider provider = new SynthProvider(config)) {
            ChatCompletion answer = ReadmeExamples.contentParts(provider, new byte[] {1, 2, 3});
            assertThat(answer.content()).contains("What is in this picture?");
            assertThat(backend.lastRequest().body()).contains("data:image/png;base64,AQID")
                    .contains("\"detail\":\"low\"").contains("\"top_logprobs\":2");
        }
    }

    @Test
    void configurationWarmupClientsErrorsAndTheLocalBackend() throws Exception {
        SynthConfig custom = ReadmeExamples.customConfiguration(backend.baseUrl());
        assertThat(custom.maxRetries()).isEqualTo(5);
        WarmupResult result = ReadmeExamples.warmup(config);
        assertThat(result).isNotNull();
        assertThat(result.warm()).isTrue();
        assertThat(backend.requests()).anyMatch(r -> "A100".equals(r.header("x-gpu-preference")));
        ChatCompletionRequest request = ChatCompletionRequest.of("m", List.of(ChatMessage.user("Hello!")));
        assertThat(ReadmeExamples.clients(config, request)).hasSize(3);
        try (SynthProvider provider = new SynthProvider(config)) {
            assertThat(ReadmeExamples.errors(provider, request)).contains("Hello!");
        }
        try (SynthProvider wrongKey = new SynthProvider(config.toBuilder().apiKey("wrong").build())) {
            assertThat(ReadmeExamples.errors(wrongKey, request)).startsWith("check the key: ").contains("SYNTH_API_KEY");
        }
        assertThat(ReadmeExamples.localBackend()).isEqualTo(2);
        assertThat(ReadmeExamples.rawHttpBefore(backend.baseUrl(), KEY)).contains("Hello!");
    }

    @Test
    void manyDeploymentsFromAConfigFileAndFromCode(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("router.yaml"), """
                model_list:
                  - model_name: chat
                    litellm_params: {model: hosted_vllm/Qwen/Qwen2.5-7B-Instruct, api_base: "%s/v1", api_key: %s}
                """.formatted(backend.baseUrl(), KEY));
        assertThat(ReadmeExamples.manyDeployments(config)).contains("Hello!");
        try (ai.synth.lm.Router router = ReadmeExamples.routerInCode("sk-test-key")) {
            assertThat(router.modelGroups()).containsExactly("backup", "chat");
        }
    }

    @Test
    void batchJobRunsAFileAndResumes(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("requests.jsonl"), """
                {"custom_id": "q1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "Hello!"}]}}
                {"custom_id": "q2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "Hi!"}]}}
                """);
        try (SynthProvider provider = new SynthProvider(config)) {
            assertThat(ReadmeExamples.batchJob(provider, dir).succeeded()).isEqualTo(2);
            assertThat(ReadmeExamples.batchJob(provider, dir).skipped()).isEqualTo(2);
        }
        assertThat(Files.readAllLines(dir.resolve("results.jsonl"))).hasSize(2);
    }

    @Test
    void observabilityListenerHearsTheRetry() {
        backend.enqueue(ai.synth.lm.testserver.Fault.status(503));
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            ReadmeExamples.observability(config);
        } finally {
            System.setErr(err);
        }
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).containsPattern("retrying in \\d+ ms after HTTP 503");
    }

    static List<List<String>> javaBlocks(String markdown) {
        List<List<String>> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            blocks.add(normalized(m.group(1)));
        }
        return blocks;
    }

    static List<String> normalized(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty()) {
                lines.add(t);
            }
        }
        return lines;
    }

    /** Lines the examples may add inside a README block, e.g. to hand a value to the test. */
    private static final int SLACK = 3;

    /**
     * Where the needle's lines start in the haystack, in order, with at most {@link #SLACK} extra lines between
     * them in total; -1 when they are not there.
     */
    static int indexOf(List<String> haystack, List<String> needle) {
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            if (!haystack.get(i).equals(needle.get(0))) {
                continue;
            }
            int at = i + 1;
            int extra = 0;
            int j = 1;
            while (j < needle.size() && at < haystack.size() && extra <= SLACK) {
                if (haystack.get(at).equals(needle.get(j))) {
                    j++;
                } else {
                    extra++;
                }
                at++;
            }
            if (j == needle.size() && extra <= SLACK) {
                return i;
            }
        }
        return -1;
    }
}
