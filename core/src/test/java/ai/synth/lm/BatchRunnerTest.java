package ai.synth.lm;

import static ai.synth.lm.BatchFiles.idCounts;
import static ai.synth.lm.BatchFiles.input;
import static ai.synth.lm.BatchFiles.line;
import static ai.synth.lm.BatchFiles.results;
import static ai.synth.lm.BatchFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class BatchRunnerTest {

    static final String CHAT = "/v1/chat/completions";
    static final String KEY = "sk-batch-test-key-0123456789";

    @TempDir
    Path dir;
    final VirtualTime time = new VirtualTime();
    LocalBackend backend;
    OpenAIProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
                .maxRetries(5).scheduler(time).environment(Map.of()).build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    BatchRunner.Builder runner(Path in) {
        return BatchRunner.builder().provider(provider).input(in).output(dir.resolve("out.jsonl"))
                .clock(time.clock).scheduler(time);
    }

    Path out() {
        return dir.resolve("out.jsonl");
    }

    Path errors() {
        return dir.resolve("out.errors.jsonl");
    }

    @Test
    void tenThousandLinesWithFivePercentFaultsEndEachIdExactlyOnceInOutputOrErrors() {
        for (int i = 0; i < 250; i++) {
            backend.enqueue(Fault.status(500).withHeader("x-should-retry", "false"));
            backend.enqueue(Fault.rateLimited());
        }
        BatchSummary summary = runner(input(dir, 10_000)).concurrency(32).build().run();

        Map<String, Integer> counts = idCounts(out(), errors());
        assertThat(counts).hasSize(10_000);
        assertThat(counts.values()).allMatch(n -> n == 1);
        long rateLimited = summary.failuresByType().getOrDefault("rate_limited", 0L);
        assertThat(summary.failuresByType()).containsEntry("server_error", 250L);
        assertThat(summary.failed()).isEqualTo(250 + rateLimited);
        assertThat(summary.succeeded()).isEqualTo(10_000 - summary.failed());
        assertThat(results(out())).hasSize((int) summary.succeeded())
                .allMatch(n -> n.at("/response/status_code").asInt() == 200 && n.get("error").isNull());
        assertThat(results(errors())).allMatch(n -> n.at("/response/status_code").asInt() >= 429);
        // Each 429 caused one retry, except on requests whose retries ran out on them.
        assertThat(backend.requestCount(CHAT)).isEqualTo(10_000 + 250 - (int) rateLimited);
        assertThat(summary.promptTokens()).isPositive();
        assertThat(summary.finished()).isTrue();
        assertThat(summary.cancelled()).isFalse();
    }

    @Test
    void writesTheBatchRequestOutputShapeWithTheCompletionAsBody() throws IOException {
        BatchSummary summary = runner(write(dir.resolve("in.jsonl"), line("only", "Say hello") + "\n")).build().run();

        JsonNode result = results(out()).get(0);
        assertThat(result.get("id").asText()).startsWith("batch_req_");
        assertThat(result.get("custom_id").asText()).isEqualTo("only");
        assertThat(result.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(result.at("/response/body/object").asText()).isEqualTo("chat.completion");
        assertThat(result.at("/response/body/choices/0/message/content").asText()).isNotEmpty();
        assertThat(result.at("/response/body/usage/total_tokens").asLong()).isEqualTo(summary.totalTokens());
        assertThat(result.get("error").isNull()).isTrue();
        assertThat(backend.lastRequest().bodyJson()).containsEntry("max_tokens", 20);
        assertThat(Files.readString(errors())).isEmpty();
    }

    @Test
    void theBodyIsTheResponseAsTheServerSentItWithItsRequestId() throws IOException {
        String sent = "{\n  \"id\": \"chatcmpl-1\",\n  \"object\": \"chat.completion\",\n  \"created\": 1,\n"
                + "  \"model\": \"m\",\n  \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\","
                + " \"content\": \"hi\", \"refusal\": null}, \"logprobs\": null, \"finish_reason\": \"stop\"}],\n"
                + "  \"usage\": {\"prompt_tokens\": 2, \"completion_tokens\": 1, \"total_tokens\": 3},\n"
                + "  \"service_tier\": \"default\"\n}\n";
        backend.enqueue(Fault.body(200, "application/json", sent));

        runner(write(dir.resolve("in.jsonl"), line("only", "Say hello") + "\n")).build().run();

        JsonNode result = results(out()).get(0);
        assertThat(result.at("/response/request_id").asText()).startsWith("req_local_");
        assertThat(result.at("/response/body")).isEqualTo(new ObjectMapper().readTree(sent));
        assertThat(result.at("/response/body/choices/0/logprobs").isNull()).isTrue();
    }

    @Test
    void reportsMalformedInvalidAndDuplicateLinesByNumberWithoutQuotingThemAndSendsTheRestOnce() throws IOException {
        String secret = "sk-live-SECRET-never-shown";
        Path in = write(dir.resolve("in.jsonl"), String.join("\n",
                line("a", "First"),
                "{\"custom_id\":\"b\",\"body\":{\"api_key\":\"" + secret + "\" oops",
                "",
                "{\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"no id\"}]}}",
                line("a", "Again"),
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"bare body\"}]}",
                "{\"custom_id\":\"c\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":\"" + secret
                        + "\"}}",
                "{\"custom_id\":\"d\",\"body\":{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":[]}}",
                "[1,2]") + "\n");

        BatchSummary summary = runner(in).build().run();

        assertThat(idCounts(out())).containsOnlyKeys("a", "6");
        assertThat(backend.requestCount(CHAT)).isEqualTo(2);
        assertThat(Files.readString(errors())).doesNotContain(secret);
        assertThat(results(errors())).extracting(n -> n.get("line").asInt() + " " + n.at("/error/code").asText())
                .containsExactlyInAnyOrder("2 malformed_line", "4 malformed_line", "5 duplicate_custom_id",
                        "7 invalid_request", "8 invalid_request", "9 malformed_line");
        assertThat(results(errors())).filteredOn(n -> n.get("line").asInt() == 7).first()
                .satisfies(n -> assertThat(n.at("/error/message").asText()).contains("line 7", "/v1/chat/completions"));
        assertThat(summary.failuresByType()).containsEntry("malformed_line", 3L)
                .containsEntry("duplicate_custom_id", 1L).containsEntry("invalid_request", 2L);
    }

    @Test
    void aSecondRunSkipsSettledIdsRepairsAHalfWrittenLineAndReportsNoLineTwice() throws IOException {
        Path first = write(dir.resolve("first.jsonl"), String.join("\n",
                Files.readAllLines(input(dir, 100)).subList(0, 40)) + "\nnot json\n");
        runner(first).build().run();
        // The crash: a result half-written at the end of the output.
        Files.writeString(out(), "{\"id\":\"batch_req_x\",\"custom_id\":\"req-41\",\"resp",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        backend.clearRequests();
        Path all = write(dir.resolve("all.jsonl"), Files.readString(first).replace("not json\n", "")
                + String.join("\n", Files.readAllLines(input(dir, 100)).subList(40, 100)) + "\n");
        Files.writeString(all, "not json\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        BatchSummary summary = runner(all).build().run();

        assertThat(backend.requestCount(CHAT)).isEqualTo(60);
        assertThat(summary.succeeded()).isEqualTo(60);
        assertThat(summary.skipped()).isEqualTo(40);
        Map<String, Integer> counts = idCounts(out());
        assertThat(counts).hasSize(100);
        assertThat(counts.values()).allMatch(n -> n == 1);
        assertThat(results(errors())).hasSize(2).extracting(n -> n.get("line").asInt()).containsExactly(41, 101);
    }

    @Test
    void holdsTheRequestsPerMinuteOnTheInjectedClock() {
        BatchSummary summary = runner(input(dir, 30)).concurrency(4).rpm(10).build().run();

        assertThat(summary.succeeded()).isEqualTo(30);
        // 10 at once, 10 a minute later, 10 two minutes later: never 11 within a minute.
        assertThat(summary.wallTime()).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
        assertThat(time.waits).isNotEmpty();
        assertThat(backend.requestCount(CHAT)).isEqualTo(30);
    }

    @Test
    void holdsTheTokensPerMinuteWithTheRoutersEstimate() {
        // Each line reserves its 20 max tokens plus about 4 prompt tokens: 100 tokens a minute let 4 through.
        BatchSummary summary = runner(input(dir, 8)).concurrency(8).tpm(100).build().run();

        assertThat(summary.succeeded()).isEqualTo(8);
        assertThat(summary.wallTime()).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void cancellingStopsSendingWritesWhatWasInFlightAndTheSameJobResumes() throws Exception {
        ManualScheduler held = new ManualScheduler();
        CountDownLatch firstDone = new CountDownLatch(1);
        Path in = input(dir, 5);
        BatchJob job = runner(in).rpm(1).scheduler(held).onProgress(p -> firstDone.countDown()).build().start();
        assertThat(firstDone.await(10, TimeUnit.SECONDS)).isTrue();
        held.awaitPending(1);

        job.cancel();
        BatchSummary summary = job.result().get(10, TimeUnit.SECONDS);

        assertThat(summary.cancelled()).isTrue();
        assertThat(summary.succeeded()).isEqualTo(1);
        assertThat(idCounts(out())).containsOnlyKeys("req-1");
        BatchSummary resumed = runner(in).build().run();
        assertThat(resumed.skipped()).isEqualTo(1);
        assertThat(resumed.succeeded()).isEqualTo(4);
        assertThat(backend.requestCount(CHAT)).isEqualTo(5);
    }

    @Test
    void modelReplacesEveryLinesModelAndBareBodiesTakeTheirLineNumberAsId() throws IOException {
        Path in = write(dir.resolve("in.jsonl"),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}\n\n"
                        + "{\"messages\":[{\"role\":\"user\",\"content\":\"two\"}],\"top_k\":3}\n");

        runner(in).model("other-model").build().run();

        assertThat(idCounts(out())).containsOnlyKeys("1", "3");
        assertThat(backend.requests()).extracting(r -> r.bodyJson().get("model")).containsOnly("other-model");
        // The two lines run concurrently: find the second by its content, not by arrival order.
        assertThat(backend.requests()).filteredOn(r -> r.body().contains("\"two\""))
                .singleElement().satisfies(r -> assertThat(r.bodyJson()).containsEntry("top_k", 3));
    }

    @Test
    void refusesAnOutputThatIsNoBatchResultFile() throws IOException {
        Files.writeString(out(), "just some notes\n");

        assertThatThrownBy(() -> runner(input(dir, 3)).build().run())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("out.jsonl line 1 is not a batch result line");
        assertThat(backend.requestCount(CHAT)).isZero();
    }

    @Test
    void aSecondJobOnTheSameOutputIsRefusedWhileTheFirstRuns() throws Exception {
        ManualScheduler held = new ManualScheduler();
        Path in = input(dir, 3);
        BatchJob first = runner(in).rpm(1).scheduler(held).build().start();
        held.awaitPending(1);

        assertThatThrownBy(() -> runner(in).build().run())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("out.jsonl is being written by another batch run");
        first.cancel();
        assertThat(first.result().get(10, TimeUnit.SECONDS).succeeded()).isEqualTo(1);
        assertThat(idCounts(out())).containsOnlyKeys("req-1");
    }

    @Test
    void badSettingsFailWithWhatToFix() {
        assertThatThrownBy(() -> BatchRunner.builder().concurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency must be between 1");
        assertThatThrownBy(() -> BatchRunner.builder().rpm(-1)).hasMessageContaining("rpm must be 0");
        assertThatThrownBy(() -> BatchRunner.builder().tpm(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tpm must be 0 (no limit) or more, was -1");
        assertThatThrownBy(() -> BatchRunner.builder().model(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank: pass a model name, or null to keep each line's");
        assertThatThrownBy(() -> BatchRunner.builder().provider(provider).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(".input(...)");
        assertThatThrownBy(() -> BatchRunner.builder().provider(provider).input(out()).output(out()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("three different files");
        assertThatThrownBy(() -> runner(dir.resolve("missing.jsonl")).build().start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.jsonl does not exist");
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }
}
