package ai.synth.lm.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bars of the benchmark issues, checked against one run's medians: over http, synth-lm against each peer and the
 * floor; over https, against the best of the peers, the floor and Jetty. A bar whose sections were not run says so.
 */
final class Bars {

    static final List<String> PEERS = List.of("openai-java", "langchain4j");
    /** Over https, synth-lm is held against the best of these. */
    static final List<String> HTTPS_OTHERS = List.of("openai-java", "langchain4j", "raw-jdk", "jetty");
    static final double HTTPS_FACTOR = 1.5;
    static final int THREADS = 64;
    /** "All complete in little more than 2 s", made a number. */
    static final double INFLIGHT_SECONDS = 3.0;

    private final Report r;
    private final List<Map<String, Object>> bars = new ArrayList<>();

    private Bars(Report r) {
        this.r = r;
    }

    /** The bars whose sections this run measured (a partial run checks only those). */
    static List<Map<String, Object>> of(Report report) {
        Bars b = new Bars(report);
        if (b.ran("latency")) {
            b.latency();
        }
        if (b.ran("throughput_sync")) {
            b.throughput("throughput_sync", "2a");
        }
        if (b.ran("throughput_async")) {
            b.throughput("throughput_async", "2b");
        }
        if (report.extras) {
            b.allocation();
        }
        if (b.ran("streaming")) {
            b.streaming();
        }
        if (report.extras) {
            b.parser();
        }
        if (b.ran("inflight")) {
            b.inflight();
        }
        b.router();
        if (b.ran("batch")) {
            b.batch();
        }
        b.telemetry();
        Baseline.bars(report, report.baseline, b::add);
        HttpsBars.add(report, b::add);
        return b.bars;
    }

    /** Whether this run measured {@code scenario} over plain http. */
    private boolean ran(String scenario) {
        return r.sections.contains(Section.of(Section.HTTP, scenario));
    }

    private void add(String bar, String figure, boolean met) {
        if (figure.contains("NaN")) { // a row it needs was left out of this run (--rows), or produced nothing
            figure = "not measured: a row it compares was not run or produced nothing";
            met = false;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bar", (bar.startsWith("http") ? "" : "http ") + bar);
        m.put("figure", figure);
        m.put("met", met);
        bars.add(m);
    }

    private double synth(String scenario, String key) {
        return r.summary(Section.HTTP, scenario, "synth-lm").median(key);
    }

    private double of(String scenario, String client, String key) {
        return r.summary(Section.HTTP, scenario, client).median(key);
    }

    private void latency() {
        double overhead = synth("latency", "p50_us") - of("latency", "raw-jdk", "p50_us");
        add("1. p50 overhead over the raw floor at most 20 µs", String.format("%+.0f µs", overhead), overhead <= 20);
        for (String peer : PEERS) {
            double ratio = synth("latency", "p50_us") / of("latency", peer, "p50_us");
            add("1. p50 at most 0.8x " + peer + "'s", String.format("%.2fx", ratio), ratio <= 0.8);
        }
    }

    private void throughput(String scenario, String n) {
        for (String peer : PEERS) {
            double ratio = synth(scenario, "calls_per_s") / of(scenario, peer, "calls_per_s");
            add(n + ". calls/s at least 1.3x " + peer + "'s", String.format("%.2fx", ratio), ratio >= 1.3);
        }
        double floor = synth(scenario, "calls_per_s") / of(scenario, "raw-jdk", "calls_per_s");
        add(n + ". calls/s at least 0.9x the raw floor's", String.format("%.2fx", floor), floor >= 0.9);
    }

    private void allocation() {
        Map<String, Object> synth = r.jmhRow("AllocationBench", "synth-lm");
        for (String peer : PEERS) {
            Map<String, Object> row = r.jmhRow("AllocationBench", peer);
            if (synth == null || row == null) {
                add("3. bytes per call at most 0.8x " + peer + "'s", "not measured", false);
                continue;
            }
            double ratio = bytes(synth) / bytes(row);
            add("3. bytes per call at most 0.8x " + peer + "'s", String.format("%.2fx", ratio), ratio <= 0.8);
        }
    }

    private static double bytes(Map<String, Object> row) {
        return ((Number) row.getOrDefault("alloc_bytes_per_op", Double.NaN)).doubleValue();
    }

    private void streaming() {
        for (String peer : PEERS) {
            double ratio = synth("streaming", "chunks_per_s") / of("streaming", peer, "chunks_per_s");
            add("4. chunks/s at least 1.3x " + peer + "'s", String.format("%.2fx", ratio), ratio >= 1.3);
        }
    }

    private void parser() {
        Map<String, Object> parser = r.jmhRow("SseParserBench", "synth-lm");
        double events = parser == null ? 0 : ((Number) parser.get("score")).doubleValue();
        add("4. SSE parser at least 1,000,000 events/s on one core", String.format("%,.0f events/s", events),
                events >= 1_000_000);
    }

    /** The bare-sockets floor's time in the same run, quoted next to synth-lm's, not compared with it. */
    private String socketFloor() {
        Summary s = r.summary(Section.HTTP, "inflight", BenchClient.SOCKETS);
        double calls = s.median("calls");
        double completed = s.median("completed");
        if (Double.isNaN(calls)) {
            return "bare sockets on this machine: not measured";
        }
        return "bare sockets on this machine: " + (completed == calls && s.errors() == 0
                ? String.format("%.2f s", s.median("seconds"))
                : String.format("%,.0f of %,.0f in %.2f s, %,d errors", completed, calls, s.median("seconds"),
                        s.errors()));
    }

    private void inflight() {
        Summary s = r.summary(Section.HTTP, "inflight", "synth-lm");
        double calls = s.median("calls");
        double completed = s.median("completed");
        double seconds = s.median("seconds");
        add("5. all calls complete in little more than 2 s (at most " + INFLIGHT_SECONDS + " s)",
                String.format("%,.0f of %,.0f in %.2f s (%s)", completed, calls, seconds, socketFloor()),
                completed == calls && s.errors() == 0 && seconds <= INFLIGHT_SECONDS);
        double threads = s.max("peak_threads");
        add("5. at most 64 platform threads", String.format("%.0f (JVM and harness before the calls: %.0f)", threads,
                s.max("baseline_threads")), threads <= 64);
        double heap = s.max("peak_heap_mib");
        add("5. at most 512 MiB heap", String.format("%.0f MiB in use at most (-Xmx512m)", heap), heap <= 512
                && s.failures().isEmpty());
    }

    /** The batch runner against a hand-written loop over the async face (row synth-lm), from the same run. */
    private void batch() {
        double ratio = of("batch", BatchLoad.RUNNER, "calls_per_s") / synth("batch", "calls_per_s");
        double cpu = of("batch", BatchLoad.RUNNER, "cpu_us_per_call") / synth("batch", "cpu_us_per_call");
        add("7. batch runner requests/s at least 0.9x a hand-written loop over the async face's",
                String.format("%.2fx (client CPU per request %.2fx; durable write %.1f µs per result)", ratio, cpu,
                        of("batch", BatchLoad.RUNNER, "write_us")), ratio >= 0.9);
    }

    /**
     * The router with its state in Redis: at most one round trip before each call and one after it; what that
     * adds to a call over the in-memory router of the same run is quoted with the figure.
     */
    private void redis() {
        double trips = of("latency", BenchClient.REDIS_ROUTER, Main.REDIS_ROUND_TRIPS);
        double p50 = of("latency", BenchClient.REDIS_ROUTER, "p50_us") - of("latency", BenchClient.ROUTER, "p50_us");
        double p99 = of("latency", BenchClient.REDIS_ROUTER, "p99_us") - of("latency", BenchClient.ROUTER, "p99_us");
        add("6. Router over Redis: at most one round trip before and one after each call", String.format(
                "%.2f per call; %+.0f µs p50, %+.0f µs p99 over the in-memory state", trips, p50, p99), trips <= 2);
    }

    /** The router's added cost over the bare provider it wraps (row synth-lm), from the same run, over http. */
    private void router() {
        if (ran("latency")) {
            double added = of("latency", BenchClient.ROUTER, "p50_us") - synth("latency", "p50_us");
            add("6. Router p50 at most 10 µs over the bare provider", String.format("%+.1f µs", added), added <= 10);
            redis();
        }
        for (String scenario : List.of("throughput_sync", "throughput_async")) {
            if (ran(scenario)) {
                double ratio = of(scenario, BenchClient.ROUTER, "calls_per_s") / synth(scenario, "calls_per_s");
                add("6. Router calls/s at least 0.95x the bare provider's (" + scenario + ")",
                        String.format("%.2fx", ratio), ratio >= 0.95);
            }
        }
    }

    /** The OpenTelemetry listener path's cost over the same provider without it, from the same run, over http. */
    private void telemetry() {
        for (String scenario : BenchClient.TRACED) {
            if (ran(scenario)) {
                double ratio = of(scenario, BenchClient.OTEL, "calls_per_s") / synth(scenario, "calls_per_s");
                double cpu = of(scenario, BenchClient.OTEL, "cpu_us_per_call") / synth(scenario, "cpu_us_per_call");
                add("7. OpenTelemetry on (SDK exporting nowhere) costs at most 5 % of c=64 calls/s (" + scenario
                        + ")", String.format("%.3fx (client CPU per call %.3fx)", ratio, cpu), ratio >= 0.95);
            }
        }
    }
}
