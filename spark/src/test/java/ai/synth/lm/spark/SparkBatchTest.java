package ai.synth.lm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class SparkBatchTest {

    static final String CHAT = "/v1/chat/completions";
    static final String KEY = "sk-spark-test-key-0123456789";
    static final StructType REQUESTS = new StructType()
            .add("custom_id", DataTypes.StringType, true)
            .add("body", DataTypes.StringType, true);

    static LocalBackend backend;
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
        // local[2,2]: two threads, and a failed task is tried once more (plain local[2] never retries).
        spark = SparkSession.builder().master("local[2,2]").appName("synth-lm-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void clear() {
        backend.clearRequests();
        FailOnce.injected.set(0);
    }

    static ExecutorFactory<UnifiedLMProvider> provider(String baseUrl) {
        return () -> new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl + "/v1").apiKey(KEY)
                .environment(Map.of()).build());
    }

    static String body(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
    }

    static Dataset<Row> requests(int n, int partitions) {
        List<Row> rows = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            rows.add(RowFactory.create("req-" + i, body("Question number " + i)));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, partitions), REQUESTS);
    }

    /** Fails the first attempt of one partition after it has handed over {@code after} rows. */
    static final class FailOnce implements MapPartitionsFunction<Row, Row> {
        static final AtomicInteger injected = new AtomicInteger();
        private final int partition;
        private final int after;

        FailOnce(int partition, int after) {
            this.partition = partition;
            this.after = after;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            boolean fail = task.partitionId() == partition && task.attemptNumber() == 0;
            return new Iterator<>() {
                int given;

                @Override
                public boolean hasNext() {
                    if (fail && given == after) {
                        injected.incrementAndGet();
                        throw new IllegalStateException("failure injected by the test");
                    }
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    given++;
                    return rows.next();
                }
            };
        }
    }

    static Map<String, Long> countsById(List<Row> results) {
        return results.stream().collect(Collectors.groupingBy(r -> r.getString(1), Collectors.counting()));
    }

    @Test
    void aRetriedTaskSendsNoRequestItsFailedAttemptFinishedAndEachIdEndsOnceInTheResults() throws IOException {
        int concurrency = 16;
        Dataset<Row> failing = requests(2_000, 4).mapPartitions(new FailOnce(1, 300), Encoders.row(REQUESTS));
        SparkBatch batch = SparkBatch.builder().provider(provider(backend.baseUrl())).results(dir.toString())
                .concurrency(concurrency).build();

        List<Row> results = batch.run(failing).collectAsList();

        assertThat(FailOnce.injected).hasValue(1);
        Map<String, Long> counts = countsById(results);
        assertThat(counts).hasSize(2_000).containsKeys("req-1", "req-777", "req-2000");
        assertThat(counts.values()).allMatch(n -> n == 1);
        assertThat(results).allMatch(r -> r.getStruct(2).getInt(0) == 200 && r.isNullAt(3));
        // The failed attempt had sent its first rows; the retry took their results from the journal.
        assertThat(lines(dir.resolve("part-00001-of-00004.jsonl"))).hasSize(500);
        assertThat(backend.requestCount(CHAT)).isBetween(2_000, 2_000 + concurrency);

        int sent = backend.requestCount(CHAT);
        assertThat(batch.run(requests(2_000, 4)).count()).isEqualTo(2_000);
        assertThat(backend.requestCount(CHAT)).as("a rerun over the same results sends nothing").isEqualTo(sent);
    }

    @Test
    void withoutAResultsDirectoryEachRequestIsSentOnceAndAnsweredWithTheCompletionAsJson() {
        List<Row> results = SparkBatch.builder().provider(provider(backend.baseUrl())).build()
                .run(requests(40, 2)).collectAsList();

        assertThat(countsById(results)).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(backend.requestCount(CHAT)).isEqualTo(40);
        Row first = results.get(0);
        assertThat(first.getString(0)).startsWith("batch_req_");
        assertThat(first.getStruct(2).getString(2)).contains("\"object\":\"chat.completion\"", "\"usage\"");
    }

    @Test
    void rowsThatCannotBeSentComeBackAsErrorsNamingPartitionAndRowAndTheRestIsSent() {
        List<Row> rows = List.of(
                RowFactory.create("good", body("Hello")),
                RowFactory.create(null, body("no id")),
                RowFactory.create("broken", "{\"model\": oops"),
                RowFactory.create("no-model", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        Dataset<Row> requests = spark.createDataFrame(rows, REQUESTS).coalesce(1);

        List<Row> results = SparkBatch.builder().provider(provider(backend.baseUrl())).build().run(requests)
                .collectAsList();

        assertThat(results).hasSize(4).filteredOn(r -> r.isNullAt(3)).extracting(r -> r.getString(1))
                .containsExactly("good");
        assertThat(results).filteredOn(r -> !r.isNullAt(3))
                .extracting(r -> r.getString(1) + " " + r.getStruct(3).mkString(": "))
                .containsExactlyInAnyOrder(
                        "null malformed_line: partition 0, row 2 has no custom_id: give each row a unique one",
                        "broken malformed_line: partition 0, row 3: the body is not valid JSON at column 11",
                        "no-model invalid_request: partition 0, row 4: the body names no \"model\": add one, or give "
                                + "the runner a model");
        assertThat(backend.requestCount(CHAT)).isEqualTo(1);
    }

    @Test
    void takesBodiesAsStructsAsSparkReadsAJsonlFile() throws IOException {
        Path file = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"custom_id\":\"a\",\"body\":" + body("First") + "}\n"
                        + "{\"custom_id\":\"b\",\"body\":" + body("Second") + "}\n", StandardCharsets.UTF_8);

        List<Row> results = SparkBatch.builder().provider(provider(backend.baseUrl())).model("gpt-4o").build()
                .run(spark.read().json(file.toString())).collectAsList();

        assertThat(countsById(results)).containsOnlyKeys("a", "b");
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.bodyJson())
                .containsEntry("model", "gpt-4o").containsEntry("max_tokens", 20));
    }

    @Test
    void requestsWithoutTheNeededColumnsFailWithTheColumnsToGive() {
        SparkBatch batch = SparkBatch.builder().provider(provider(backend.baseUrl())).build();
        Dataset<Row> noBody = requests(2, 1).select("custom_id");
        Dataset<Row> numericIds = requests(2, 1).selectExpr("1L as custom_id", "body");

        assertThatThrownBy(() -> batch.run(noBody)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The requests have no body column (they have custom_id): give each row a custom_id and "
                        + "a body, the request");
        assertThatThrownBy(() -> batch.run(numericIds)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("custom_id column must hold strings, not bigint");
    }

    @Test
    void theBuilderRejectsBadSettingsSayingWhatToGive() {
        assertThatThrownBy(() -> SparkBatch.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".provider(...)");
        assertThatThrownBy(() -> SparkBatch.builder().concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> SparkBatch.builder().results(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("results directory");
        assertThatThrownBy(() -> SparkBatch.builder().rpm(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rpm must be 0 (no limit) or more, was -1");
        assertThatThrownBy(() -> SparkBatch.builder().tpm(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tpm must be 0 (no limit) or more, was -1");
        assertThatThrownBy(() -> SparkBatch.builder().model(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank: pass a model name, or null to keep each body's");
    }

    @Test
    void theReadmesExampleIsTheOneRunHere() throws IOException {
        String input = Files.writeString(dir.resolve("requests.jsonl"), "{\"custom_id\":\"a\",\"body\":"
                + body("Hello") + "}\n", StandardCharsets.UTF_8).toString();
        String baseUrl = backend.baseUrl() + "/v1";
        String key = KEY;
        String journals = dir.resolve("journals").toString();
        String output = dir.resolve("results").toString();

        Dataset<Row> requests = spark.read().json(input);            // columns custom_id and body, as in a batch file
        Dataset<Row> results = SparkBatch.builder()
                .provider(() -> new OpenAIProvider(OpenAIConfig.builder().baseUrl(baseUrl).apiKey(key).build()))
                .results(journals)                                   // one journal per partition: a retried task resumes
                .concurrency(32)
                .build()
                .run(requests);
        results.write().json(output);

        assertThat(spark.read().schema(SparkBatch.resultSchema()).json(output).collectAsList())
                .singleElement().satisfies(r -> assertThat(r.getString(1)).isEqualTo("a"));
        String readme = Files.readString(Path.of("..", "README.md"));
        String block = readme.split("<!-- spark -->\n```\n", 2)[1].split("```", 2)[0];
        String source = Files.readString(Path.of("src", "test", "java", "ai", "synth", "lm", "spark",
                "SparkBatchTest.java"));
        assertThat(block.strip().lines().map(String::strip)).isNotEmpty()
                .allSatisfy(line -> assertThat(source).contains(line));
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
