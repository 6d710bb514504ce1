package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchCommandTest {

    private static final String KEY = "sk-batch-cli-secret-123";
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    Path dir;
    private LocalBackend backend;
    private Map<String, String> openaiEnv;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        openaiEnv = Map.of("OPENAI_BASE_URL", backend.baseUrl() + "/v1", "OPENAI_API_KEY", KEY);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    static String line(String id) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello " + id + "\"}]}}";
    }

    Path input(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append(line("id-" + i)).append('\n');
        }
        return Files.writeString(dir.resolve("in.jsonl"), sb.toString());
    }

    Run batch(Path in, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "batch";
        args[1] = in.toString();
        args[2] = "--output";
        args[3] = dir.resolve("out.jsonl").toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return Run.of(openaiEnv, args);
    }

    @Test
    void runsTheFileThenASecondRunFindsEverythingDone() throws IOException {
        Path in = input(20);

        Run first = batch(in, "--provider", "openai", "--concurrency", "4");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("20 succeeded, 0 failed, 0 already done");
        assertThat(first.err()).contains("20/20 100%");
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(20);
        Run second = batch(in, "--provider", "openai");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("0 succeeded, 0 failed, 20 already done");
        assertThat(backend.requestCount(CHAT)).isEqualTo(20);
    }

    @Test
    void failedRequestsExitOneAndSayWhereTheyAre() throws IOException {
        backend.enqueue(Fault.status(400));
        Path in = input(3);

        Run run = batch(in, "--provider", "openai", "--concurrency", "1", "--errors",
                dir.resolve("failed.jsonl").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("2 succeeded, 1 failed").contains("1 http_400").contains("failed.jsonl");
        assertThat(Files.readAllLines(dir.resolve("failed.jsonl"))).hasSize(1);
        assertThat(run.out() + run.err()).doesNotContain(KEY);
    }

    @Test
    void configRoutesTheBatchAndAnUnknownGroupIsAUsageError() throws IOException {
        Path config = Files.writeString(dir.resolve("router.yaml"), """
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/sim, api_base: "%s/v1", api_key: os.environ/ROUTER_KEY}
                """.formatted(backend.baseUrl()));
        Path in = input(5);
        String out = dir.resolve("out.jsonl").toString();

        Run unknown = Run.of(Map.of("ROUTER_KEY", KEY), "batch", in.toString(), "--output", out, "--config",
                config.toString(), "--model", "gpt-9");
        Run routed = Run.of(Map.of("ROUTER_KEY", KEY), "batch", in.toString(), "--output", out, "--config",
                config.toString(), "--model", "chat", "--rpm", "100");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--model gpt-9 is not a model group").contains("use one of chat");
        assertThat(routed.exitCode()).as(routed.err()).isZero();
        assertThat(routed.out()).contains("5 succeeded");
        assertThat(backend.requests()).extracting(r -> r.bodyJson().get("model")).containsOnly("sim");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws IOException {
        Path in = input(1);

        Run missingInput = batch(dir.resolve("nope.jsonl"), "--provider", "openai");
        Run noOutput = Run.of(openaiEnv, "batch", in.toString());
        Run badConcurrency = batch(in, "--provider", "openai", "--concurrency", "0");
        Run both = batch(in, "--provider", "openai", "--config", "x.yaml");

        assertThat(missingInput.exitCode()).isEqualTo(2);
        assertThat(missingInput.err()).contains("nope.jsonl is not a file");
        assertThat(noOutput.exitCode()).isEqualTo(2);
        assertThat(noOutput.err()).contains("--output");
        assertThat(badConcurrency.exitCode()).isEqualTo(2);
        assertThat(badConcurrency.err()).contains("concurrency must be between 1 and 10000");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(backend.requestCount(CHAT)).isZero();
    }

    @Test
    void progressLineShowsDoneTotalRateTokensEtaAndFailures() {
        ai.synth.lm.BatchSummary p = new ai.synth.lm.BatchSummary(40, 2, 8, 4, 300, 700,
                java.time.Duration.ofSeconds(10), Map.of("server_error", 2L), false, false);

        assertThat(BatchProgress.line(p, 100)).isEqualTo(
                "[############............] 50/100  50%  4.2 req/s  100 tok/s  ETA 12s  failed 2");
    }
}
