package ai.synth.lm.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import ai.synth.lm.RouterState;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.internal.batch.BatchChecks;
import ai.synth.lm.spark.internal.PartitionRun;
import ai.synth.lm.spark.internal.Settings;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The batch runner of synth-lm as a function over a Spark {@link Dataset} of requests: each partition runs through
 * a provider of its own, with at most {@code concurrency} requests in flight, and the result is a Dataset with one
 * row per request in the shape of the batch output file.
 *
 * <pre>{@code
 * Dataset<Row> requests = spark.read().json("requests.jsonl");     // custom_id, body
 * Dataset<Row> results = SparkBatch.builder()
 *         .provider(() -> SynthLM.createProvider("openai"))
 *         .results("/mnt/shared/batch-42")                          // journals; a retried task resumes
 *         .concurrency(32)
 *         .build()
 *         .run(requests);
 * results.write().json("results");
 * }</pre>
 *
 * <p><b>Requests</b>: a column {@code custom_id} (string, unique) and a column {@code body}, the chat-completions
 * request body as a JSON string or as a struct or map (as {@code spark.read().json} gives it), which is turned back
 * into JSON. Other columns are ignored. <b>Results</b>: {@link #resultSchema()}, the columns of the output file:
 * {@code id}, {@code custom_id}, {@code response} ({@code status_code}, {@code request_id}, {@code body} as a JSON
 * string) and {@code error} ({@code code}, {@code message}); a failed request or a row that could not be sent has
 * an {@code error}, and a {@code response} when the backend answered. Within a partition, rows come in the order
 * results arrived.
 *
 * <p><b>Retries</b>: with a {@link Builder#results results} directory each partition keeps a journal there, the
 * batch output file of {@link ai.synth.lm.BatchRunner}, {@code part-NNNNN-of-NNNNN.jsonl} (and {@code
 * .errors.jsonl}), written as each result arrives. A task attempt after a failed one (or a second run of the whole
 * job) skips every {@code custom_id} already in its journal, so a request is sent again only when it was in flight
 * when its executor died. The journal is keyed by partition, so a rerun must split the requests the same way.
 * Without a results directory the journals are throwaway and a retried task sends its partition again.
 *
 * <p><b>Limits</b>: {@code rpm} and {@code tpm} are kept under one name for the whole job; with a
 * {@link Builder#sharedState shared state} (for example {@code synth-lm-redis}) they hold across all executors,
 * without one each executor JVM keeps its own budget.
 *
 * <p>Immutable and serializable; one instance may run many Datasets.
 */
public final class SparkBatch implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final StructType RESULT_SCHEMA = new StructType()
            .add("id", DataTypes.StringType, true)
            .add("custom_id", DataTypes.StringType, true)
            .add("response", new StructType()
                    .add("status_code", DataTypes.IntegerType, true)
                    .add("request_id", DataTypes.StringType, true)
                    .add("body", DataTypes.StringType, true), true)
            .add("error", new StructType()
                    .add("code", DataTypes.StringType, true)
                    .add("message", DataTypes.StringType, true), true);

    private final Settings settings;

    private SparkBatch(Settings settings) {
        this.settings = settings;
    }

    /** A builder of a Spark batch. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The schema of the results: {@code id string, custom_id string, response struct<status_code int, request_id
     * string, body string>, error struct<code string, message string>}; {@code response.body} is JSON.
     */
    public static StructType resultSchema() {
        return RESULT_SCHEMA;
    }

    /**
     * The results of {@code requests}, lazily: the requests are sent when an action (a write, a count) runs.
     *
     * @throws IllegalArgumentException if {@code requests} lacks a string {@code custom_id} column or a {@code body}
     *     column of JSON strings, structs or maps
     */
    public Dataset<Row> run(Dataset<Row> requests) {
        Objects.requireNonNull(requests, "requests");
        StructType schema = requests.schema();
        DataType id = type(schema, "custom_id");
        if (!(id instanceof StringType)) {
            throw new IllegalArgumentException("The custom_id column must hold strings, not " + id.simpleString()
                    + ": cast it with col(\"custom_id\").cast(\"string\")");
        }
        DataType body = type(schema, "body");
        Column bodyJson;
        if (body instanceof StringType) {
            bodyJson = col("body");
        } else if (body instanceof StructType || body instanceof MapType) {
            bodyJson = to_json(col("body"));
        } else {
            throw new IllegalArgumentException("The body column must hold the request body as a JSON string, a struct"
                    + " or a map, not " + body.simpleString());
        }
        return requests.select(col("custom_id"), bodyJson.as("body"))
                .mapPartitions(new PartitionRun(settings), Encoders.row(RESULT_SCHEMA));
    }

    private static DataType type(StructType schema, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new IllegalArgumentException("The requests have no " + column + " column (they have "
                + String.join(", ", schema.fieldNames()) + "): give each row a custom_id and a body, the request");
    }

    @Override
    public String toString() {
        return "SparkBatch[results " + (settings.results() == null ? "none" : settings.results()) + ", concurrency "
                + settings.concurrency() + ", rpm " + settings.rpm() + ", tpm " + settings.tpm()
                + (settings.sharedState() == null ? "" : ", shared state") + "]";
    }

    /** Builds a {@link SparkBatch}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private ExecutorFactory<UnifiedLMProvider> provider;
        private String results;
        private String model;
        private int concurrency = 16;
        private int rpm;
        private long tpm;
        private ExecutorFactory<RouterState> sharedState;

        private Builder() {}

        /**
         * Makes the provider (or router) of each partition, on its executor; the job closes it when the partition
         * is done. Required.
         */
        public Builder provider(ExecutorFactory<UnifiedLMProvider> provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The directory the partitions' journals are kept in, on a file system every executor sees at this path
         * (local disk in local mode, a shared mount on a cluster; not HDFS or an object store). A retried task, or
         * the job run again, resumes from them. The default, none, keeps throwaway journals on each executor.
         */
        public Builder results(String directory) {
            Objects.requireNonNull(directory, "directory");
            if (directory.isBlank()) {
                throw new IllegalArgumentException("The results directory must not be blank: give a directory path");
            }
            this.results = directory;
            return this;
        }

        /** A model (or router model group) that replaces every body's own. The default, null, keeps each body's. */
        public Builder model(String model) {
            this.model = BatchChecks.model(model, "body");
            return this;
        }

        /** The most requests in flight at once in each partition. The default is 16. */
        public Builder concurrency(int concurrency) {
            this.concurrency = BatchChecks.concurrency(concurrency);
            return this;
        }

        /** The most requests the job sends within any minute; 0, the default, for no limit. */
        public Builder rpm(int rpm) {
            this.rpm = BatchChecks.rpm(rpm);
            return this;
        }

        /** The most tokens the job uses within any minute (estimated, then as reported); 0, the default, for none. */
        public Builder tpm(long tpm) {
            this.tpm = BatchChecks.tpm(tpm);
            return this;
        }

        /**
         * Makes the state the minute budget is kept in, on each executor, e.g.
         * {@code () -> RedisState.builder().url(url).build()}: executors sharing one store share the budget. The
         * default, none, gives each executor JVM a budget of its own.
         */
        public Builder sharedState(ExecutorFactory<RouterState> sharedState) {
            this.sharedState = Objects.requireNonNull(sharedState, "sharedState");
            return this;
        }

        /**
         * The Spark batch.
         *
         * @throws IllegalStateException if no provider was given
         */
        public SparkBatch build() {
            if (provider == null) {
                throw new IllegalStateException("A Spark batch needs .provider(...): a factory of the provider each "
                        + "partition sends through");
            }
            String dir = results == null ? null : Path.of(results).toAbsolutePath().normalize().toString();
            String job = dir != null ? dir : UUID.randomUUID().toString();
            return new SparkBatch(new Settings(provider, dir, model, concurrency, rpm, tpm, sharedState,
                    "batch:spark:" + job));
        }
    }
}
