package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.RouterState;
import ai.synth.lm.Scheduler;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RowRunTest {

    static final String KEY = "sk-rows-test-key-0123456789";

    @TempDir
    Path dir;
    LocalBackend backend;
    OpenAIProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        provider = new OpenAIProvider(OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
                .environment(Map.of()).build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    BatchEngine engine() {
        return new BatchEngine(new BatchPlan(provider, null, dir.resolve("out.jsonl"), dir.resolve("err.jsonl"),
                null, 4, 0, 0, RouterState.inMemory(), "batch:rows", Clock.systemUTC(), Scheduler.system(), null));
    }

    static RowInput<String> rows(Iterator<String> ids) {
        return new RowInput<>(ids, id -> id, id -> "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + id + "\"}]}", "partition 7", null);
    }

    /** Ids id-1 ... id-n, failing when asked for more than {@code failAfter} of them. */
    static Iterator<String> ids(int n, int failAfter) {
        Iterator<String> ids = IntStream.rangeClosed(1, n).mapToObj(i -> "id-" + i).iterator();
        return new Iterator<>() {
            int given;

            @Override
            public boolean hasNext() {
                if (given == failAfter) {
                    throw new IllegalStateException("the rows failed");
                }
                return ids.hasNext();
            }

            @Override
            public String next() {
                given++;
                return ids.next();
            }
        };
    }

    @Test
    void failingRowsStopTheRunAfterItsCallsInFlightAreWrittenAndARerunSendsOnlyTheRest() throws IOException {
        assertThatThrownBy(() -> engine().runOn(rows(ids(100, 30)))).isInstanceOf(IllegalStateException.class)
                .hasMessage("the rows failed");
        assertThat(lines(dir.resolve("out.jsonl"))).hasSize(30);
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(30);

        var summary = engine().runOn(rows(ids(100, -1)));

        assertThat(summary.skipped()).isEqualTo(30);
        assertThat(summary.succeeded()).isEqualTo(70);
        assertThat(lines(dir.resolve("out.jsonl"))).hasSize(100);
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(100);
    }

    @Test
    void aRowWithoutIdOrWithABadBodyIsReportedByItsNumberAndNotSent() throws IOException {
        String hello = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String[]> given = List.of(new String[] {"a", hello}, new String[] {null, "{}"},
                new String[] {"c", "[1]"}, new String[] {"d", null});
        var summary = engine().runOn(new RowInput<>(given.iterator(), r -> r[0], r -> r[1], "partition 2", "m2"));

        assertThat(summary.failuresByType()).containsEntry("malformed_line", 3L);
        assertThat(String.join("\n", lines(dir.resolve("err.jsonl"))))
                .contains("partition 2, row 2 has no custom_id", "partition 2, row 3: the body is not a JSON object",
                        "partition 2, row 4 has no body");
        assertThat(backend.lastRequest().bodyJson()).containsEntry("model", "m2");
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
