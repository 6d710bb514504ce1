package ai.synth.lm.spark.internal;

import ai.synth.lm.RouterState;
import ai.synth.lm.Scheduler;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.internal.batch.BatchEngine;
import ai.synth.lm.internal.batch.BatchPlan;
import ai.synth.lm.internal.batch.RowInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of a Spark batch: the core's batch engine run on the task's thread over the partition's rows
 * ({@code custom_id}, body JSON), with a provider of the partition's own, writing to the partition's journal; then
 * every line of that journal as a row. A journal under a results directory outlives the task, so an attempt after a
 * failed one skips each {@code custom_id} the failed one finished, exactly as a batch file run is resumed.
 */
public final class PartitionRun implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(PartitionRun.class);

    /** The minute budget of each job in this JVM when no shared state is given: its partitions here share it. */
    private static final ConcurrentHashMap<String, RouterState> JVM_STATES = new ConcurrentHashMap<>();

    private final Settings settings;

    public PartitionRun(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        int partitions = task == null ? 1 : task.numPartitions();
        boolean throwaway = settings.results() == null;
        Path dir = throwaway ? Files.createTempDirectory("synth-lm-spark-") : Path.of(settings.results());
        String name = String.format("part-%05d-of-%05d", partition, partitions);
        Path output = dir.resolve(name + ".jsonl");
        Path errors = dir.resolve(name + ".errors.jsonl");
        try {
            run(rows, partition, output, errors);
        } catch (RuntimeException | Error e) {
            if (throwaway) {
                delete(dir);
            }
            throw e;
        }
        JournalRows journal = new JournalRows(List.of(output, errors), () -> {
            if (throwaway) {
                delete(dir);
            }
        });
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> journal.close());
        }
        return journal;
    }

    private void run(Iterator<Row> rows, int partition, Path output, Path errors) {
        RouterState state = settings.sharedState() == null
                ? JVM_STATES.computeIfAbsent(settings.limitKey(), key -> RouterState.inMemory())
                : settings.sharedState().create();
        try (UnifiedLMProvider provider = settings.provider().create()) {
            if (provider == null) {
                throw new IllegalStateException("The provider factory of the Spark batch returned null: make it "
                        + "return a new provider");
            }
            BatchPlan plan = new BatchPlan(provider, null, output, errors, settings.model(), settings.concurrency(),
                    settings.rpm(), settings.tpm(), state, settings.limitKey(), Clock.systemUTC(), Scheduler.system(),
                    null);
            new BatchEngine(plan).runOn(new RowInput<>(rows, row -> row.getString(0), row -> row.getString(1),
                    "partition " + partition, settings.model()));
        } finally {
            if (settings.sharedState() != null && state instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("Could not close the shared state of partition {}; its results are written", partition, e);
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the throwaway batch journal " + dir, e);
        }
    }
}
