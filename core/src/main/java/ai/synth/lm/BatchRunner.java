package ai.synth.lm;

import ai.synth.lm.internal.batch.BatchChecks;
import ai.synth.lm.internal.batch.BatchEngine;
import ai.synth.lm.internal.batch.BatchPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a JSONL file of chat-completion requests through any {@link UnifiedLMProvider} (a {@link Router} included)
 * and writes one result line per request, resumably.
 *
 * <pre>{@code
 * BatchRunner runner = BatchRunner.builder()
 *         .provider(provider)
 *         .input(Path.of("requests.jsonl"))
 *         .output(Path.of("results.jsonl"))
 *         .concurrency(32)
 *         .rpm(500)
 *         .build();
 * BatchSummary summary = runner.run();
 * }</pre>
 *
 * <p><b>Input</b>: each line is an OpenAI Batch line ({@code {"custom_id":..., "method":"POST",
 * "url":"/v1/chat/completions", "body":{...}}}) or a bare request body, whose {@code custom_id} is then its line
 * number ({@code "1"}, {@code "2"}, ...). The file is read one line at a time, never whole. <b>Output</b>: one line
 * per request in the shape of OpenAI's {@code BatchRequestOutput}, in the order results arrive; requests that
 * failed after the provider's retries, malformed lines (by line number, never quoting the line) and repeated
 * {@code custom_id}s go to the errors file in the same shape. <b>Resume</b>: each line is handed to the operating
 * system within a few milliseconds of its result's arrival (results that arrive together go in one write), and a
 * request holds its slot of the concurrency until then; running the same job again skips every {@code custom_id}
 * already in the output or errors file and cuts off a half-written last line, so after a crash only the requests
 * in flight or not yet written, at most the concurrency, are sent again. Delete the errors file to send its failed requests again.
 *
 * <p>Immutable and thread-safe; each {@link #start()} is a new job. Only one job may write an output file at a
 * time: a second one, in this JVM or another, fails with {@link java.io.UncheckedIOException} saying so.
 */
public final class BatchRunner {

    private final BatchPlan plan;

    private BatchRunner(BatchPlan plan) {
        this.plan = plan;
    }

    /** A builder of a runner. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the job on a thread of its own and returns at once.
     *
     * @throws IllegalArgumentException if the input file does not exist or cannot be read
     */
    public BatchJob start() {
        if (!Files.isRegularFile(plan.input()) || !Files.isReadable(plan.input())) {
            throw new IllegalArgumentException("Batch input " + plan.input()
                    + " does not exist or cannot be read: pass the path of a JSONL file of requests");
        }
        BatchEngine engine = new BatchEngine(plan);
        engine.start();
        return new BatchJob(engine);
    }

    /**
     * Runs the job to its end and returns its summary. Interrupting the calling thread cancels the job.
     *
     * @throws IllegalArgumentException if the input file does not exist or cannot be read
     * @throws java.io.UncheckedIOException if a file could not be read or written
     */
    public BatchSummary run() {
        return start().await();
    }

    /** The errors file: given, or beside the output ({@code results.jsonl} gives {@code results.errors.jsonl}). */
    public Path errors() {
        return plan.errors();
    }

    @Override
    public String toString() {
        return "BatchRunner[" + plan.input() + " -> " + plan.output() + ", provider " + plan.provider().name()
                + ", concurrency " + plan.concurrency() + ", rpm " + plan.rpm() + ", tpm " + plan.tpm() + "]";
    }

    /** Builds a {@link BatchRunner}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private UnifiedLMProvider provider;
        private Path input;
        private Path output;
        private Path errors;
        private String model;
        private int concurrency = 16;
        private int rpm;
        private long tpm;
        private RouterState state;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Scheduler.system();
        private Consumer<BatchSummary> listener;

        private Builder() {}

        /** The provider or router every request goes through. Required; the runner does not close it. */
        public Builder provider(UnifiedLMProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The JSONL file of requests. Required. */
        public Builder input(Path input) {
            this.input = Objects.requireNonNull(input, "input");
            return this;
        }

        /** The JSONL file results are appended to; an existing one is resumed. Required. */
        public Builder output(Path output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /** The JSONL file failures are appended to. The default sits beside the output: {@code NAME.errors.jsonl}. */
        public Builder errors(Path errors) {
            this.errors = Objects.requireNonNull(errors, "errors");
            return this;
        }

        /** A model (or router model group) that replaces every line's own. The default, null, keeps each line's. */
        public Builder model(String model) {
            this.model = BatchChecks.model(model, "line");
            return this;
        }

        /** The most requests in flight at once. The default is 16. */
        public Builder concurrency(int concurrency) {
            this.concurrency = BatchChecks.concurrency(concurrency);
            return this;
        }

        /** The most requests sent within any minute; 0, the default, for no limit. */
        public Builder rpm(int rpm) {
            this.rpm = BatchChecks.rpm(rpm);
            return this;
        }

        /**
         * The most tokens within any minute, each request reserving an estimate (prompt characters / 4 plus its
         * max tokens) that its reported usage then replaces; 0, the default, for no limit.
         */
        public Builder tpm(long tpm) {
            this.tpm = BatchChecks.tpm(tpm);
            return this;
        }

        /**
         * Where the minute budget is kept, under the key {@code batch:OUTPUT}: by default a state of this job's
         * own; pass a shared one (for example a router's) for jobs that share one budget.
         */
        public Builder state(RouterState state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /** The clock for the minute budget and the wall time. The default is the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Waits for the minute budget. The default is {@link Scheduler#system()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Called with a progress snapshot after each line is written, from the thread that wrote it: keep it
         * short and thread-safe. The default is none.
         */
        public Builder onProgress(Consumer<BatchSummary> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The runner.
         *
         * @throws IllegalStateException if the provider, input or output is missing
         * @throws IllegalArgumentException if two of the input, output and errors files are the same
         */
        public BatchRunner build() {
            if (provider == null || input == null || output == null) {
                throw new IllegalStateException("A batch runner needs .provider(...), .input(...) and .output(...)");
            }
            Path err = errors != null ? errors : defaultErrors(output);
            Path in = input.toAbsolutePath().normalize();
            Path out = output.toAbsolutePath().normalize();
            if (in.equals(out) || in.equals(err.toAbsolutePath().normalize())
                    || out.equals(err.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("The input, output and errors files must be three different "
                        + "files; got " + input + ", " + output + " and " + err);
            }
            return new BatchRunner(new BatchPlan(provider, input, output, err, model, concurrency, rpm, tpm,
                    state != null ? state : RouterState.inMemory(), "batch:" + out, clock, scheduler, listener));
        }

        private static Path defaultErrors(Path output) {
            String name = output.getFileName().toString();
            String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
            return output.resolveSibling(base + ".errors.jsonl");
        }
    }
}
