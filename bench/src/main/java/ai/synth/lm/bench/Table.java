package ai.synth.lm.bench;

import java.util.List;

/**
 * How one end-to-end scenario is shown: its heading, what it did, and which figures are columns.
 *
 * @param scenario the scenario's name, as in {@link Orchestrator#SCENARIOS}
 * @param title the heading
 * @param how one sentence on what was run
 * @param columns the figures, the first being the headline one
 */
record Table(String scenario, String title, String how, List<Column> columns) {

    /**
     * One figure.
     *
     * @param key its key in a child's result
     * @param label the column heading
     * @param higherIsBetter which way is better
     * @param ratio whether a ratio-to-synth-lm column follows it
     */
    record Column(String key, String label, boolean higherIsBetter, boolean ratio) {}

    static final List<Table> ALL = List.of(
            new Table("latency", "1. Latency, concurrency 1, ~1 KB reply",
                    "Calls one after another on the sync face; per round, every call of the measured window.",
                    List.of(new Column("p50_us", "p50 µs", false, true), new Column("p99_us", "p99 µs", false, true),
                            new Column("calls", "calls/round", true, false))),
            new Table("latency_10k", "1b. Latency, concurrency 1, ~10 KB reply",
                    "As above, with the 10 KB completion.",
                    List.of(new Column("p50_us", "p50 µs", false, true), new Column("p99_us", "p99 µs", false, true),
                            new Column("calls", "calls/round", true, false))),
            new Table("throughput_sync", "2a. Throughput, sync face, 64 threads",
                    "64 platform threads, each calling the blocking face in a loop.",
                    List.of(new Column("calls_per_s", "calls/s", true, true),
                            new Column("calls", "calls/round", true, false))),
            new Table("throughput_async", "2b. Throughput, async face, 64 in flight",
                    "One driver keeps 64 calls in flight on the async face; each completion starts the next call.",
                    List.of(new Column("calls_per_s", "calls/s", true, true),
                            new Column("calls", "calls/round", true, false))),
            new Table("streaming", "4. Streaming, 1,000-chunk stream",
                    "Streams one after another on the blocking face (an Iterable, a Stream, or a callback handler),"
                            + " each read to the end; content chunks per second.",
                    List.of(new Column("chunks_per_s", "chunks/s", true, true),
                            new Column("streams", "streams/round", true, false))),
            new Table("inflight", "5. In flight: 10,000 calls at once against the 2-second endpoint",
                    "All calls started at once on the async face in a JVM with -Xmx512m; time until the last"
                            + " finished (or the cap), the most live platform threads, the most heap in use.",
                    List.of(new Column("seconds", "time s", false, true),
                            new Column("completed", "completed", true, false),
                            new Column("peak_threads", "peak threads", false, true),
                            new Column("peak_heap_mib", "peak heap MiB", false, true))),
            new Table("batch", "7. Batch: a JSONL file of requests, 64 in flight",
                    "Row synth-lm is a hand-written loop over the async face keeping 64 calls in flight and writing"
                            + " nothing; synth-lm BatchRunner runs the same requests from a JSONL file (OpenAI Batch"
                            + " lines) to a result file, each result handed to the operating system as it arrives."
                            + " Both warm up on requests of their own first (30,000, then rounds of 10,000 until one"
                            + " compiled for under 5 % of its time); requests/s from the first request to the last"
                            + " result, and the client's CPU per request (every thread of its JVM). The durable write"
                            + " is the runner's result lines appended again one write per line (the runner hands"
                            + " lines that finish together to the system in one write), timed alone.",
                    List.of(new Column("calls_per_s", "requests/s", true, true),
                            new Column("cpu_us_per_call", "client CPU µs/request", false, true),
                            new Column("write_us", "durable write µs/result", false, false),
                            new Column("calls", "requests/round", true, false))));

    /** The table of {@code scenario}. */
    static Table of(String scenario) {
        return ALL.stream().filter(t -> t.scenario.equals(scenario)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + scenario));
    }

    /** The figure the "produced" check of the smoke run looks at. */
    String producedKey() {
        return switch (scenario) {
            case "streaming" -> "chunks";
            case "inflight" -> "completed";
            default -> "calls";
        };
    }
}
