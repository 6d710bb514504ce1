package ai.synth.lm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole benchmark: every end-to-end scenario for every client in its own fresh JVM, clients interleaved
 * (the order rotates each round), then JMH and the start-up comparison, then writes the report.
 */
final class Orchestrator {

    /** One end-to-end scenario: where it points, its JVM flags and its parameters, full and smoke. */
    record Scenario(String name, String path, List<String> jvm, Map<String, String> full, Map<String, String> smoke) {}

    static final List<String> HEAP = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("latency", "/small/v1", HEAP, Map.of("warmup_ms", "2000", "measure_ms", "3000"),
                    Map.of("warmup_ms", "300", "measure_ms", "300")),
            new Scenario("latency_10k", "/large/v1", HEAP, Map.of("warmup_ms", "2000", "measure_ms", "2000"),
                    Map.of("warmup_ms", "200", "measure_ms", "300")),
            new Scenario("throughput_sync", "/small/v1", HEAP,
                    Map.of("warmup_ms", "2000", "measure_ms", "4000", "concurrency", "64"),
                    Map.of("warmup_ms", "500", "measure_ms", "700", "concurrency", "64")),
            new Scenario("throughput_async", "/small/v1", HEAP,
                    Map.of("warmup_ms", "2000", "measure_ms", "4000", "concurrency", "64"),
                    Map.of("warmup_ms", "500", "measure_ms", "700", "concurrency", "64")),
            new Scenario("streaming", "/stream/v1", HEAP, Map.of("warmup_ms", "2000", "measure_ms", "4000"),
                    Map.of("warmup_ms", "300", "measure_ms", "500")),
            new Scenario("inflight", "/slow/v1", List.of("-Xmx512m", "-XX:+UseG1GC"),
                    Map.of("calls", "10000", "warmup_calls", "64", "cap_ms", "20000"),
                    Map.of("calls", "128", "warmup_calls", "0", "cap_ms", "10000")));

    private final String base;
    private final Path cliJar;
    private final Path out;
    private final boolean smoke;
    private final int rounds;
    private final Path jar;
    private final String java;
    private final Path logs;

    Orchestrator(String base, Path cliJar, Path out, Path logs, boolean smoke, int rounds) throws IOException {
        this.base = base;
        this.cliJar = cliJar;
        this.out = out;
        this.smoke = smoke;
        this.rounds = rounds;
        this.jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.logs = Files.createDirectories(logs);
    }

    static Orchestrator fromArgs(String[] args) throws IOException {
        String base = null;
        Path cli = null;
        Path out = null;
        Path logs = null;
        boolean smoke = false;
        Integer rounds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> base = args[++i];
                case "--cli-jar" -> cli = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--logs" -> logs = Path.of(args[++i]);
                case "--smoke" -> smoke = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (base == null || cli == null || out == null) {
            throw new IllegalArgumentException("run needs --base URL --cli-jar JAR --out DIR");
        }
        // Five rounds: on a shared 2-core machine a neighbour's build can spoil one or two of them.
        return new Orchestrator(base, cli, out, logs != null ? logs : out.resolve("logs"), smoke,
                rounds != null ? rounds : smoke ? 1 : 5);
    }

    int run() throws Exception {
        Report report = new Report(smoke, rounds, base);
        long started = System.nanoTime();
        for (Scenario s : SCENARIOS) {
            int scenarioRounds = s.name().equals("inflight") && !smoke ? Math.min(rounds, 2) : rounds;
            for (int r = 0; r < scenarioRounds; r++) {
                for (String client : rotated(BenchClient.rows(s.name()), r + SCENARIOS.indexOf(s))) {
                    Map<String, Object> result = child(s, client, r);
                    report.add(s.name(), client, result);
                    progress(s.name(), client, r, scenarioRounds, result);
                }
            }
        }
        report.startup(new Startup(cliJar, base + "/small/v1", java, logs).run(smoke ? 2 : 15));
        report.jmh(new JmhRunner(java, jar, logs, smoke).run());
        report.elapsedSeconds((System.nanoTime() - started) / 1e9);
        String name = smoke ? "smoke" : "latest";
        Files.writeString(out.resolve(name + ".md"), report.markdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".json"), report.json(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve(name + ".md") + " and " + name + ".json");
        if (smoke) {
            List<String> missing = report.missingRows();
            if (!missing.isEmpty()) {
                System.err.println("bench smoke FAILED: rows not produced:");
                missing.forEach(m -> System.err.println("  " + m));
                return 1;
            }
            System.out.println("bench smoke: " + report.rowCount() + " rows produced, none missing");
        }
        return 0;
    }

    static List<String> rotated(List<String> names, int by) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            order.add(names.get((i + by) % names.size()));
        }
        return order;
    }

    private Map<String, Object> child(Scenario s, String client, int round) throws Exception {
        Map<String, String> params = smoke ? s.smoke() : s.full();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(s.jvm());
        cmd.addAll(List.of("-cp", jar.toString(), Main.class.getName(), "child", s.name(), client, base + s.path()));
        params.forEach((k, v) -> cmd.add(k + "=" + v));
        long budgetMs = 60_000 + params.entrySet().stream().filter(e -> e.getKey().endsWith("_ms"))
                .mapToLong(e -> Long.parseLong(e.getValue())).sum();
        Path log = logs.resolve(s.name() + "-" + client + "-" + round + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<String, Object> failed = new LinkedHashMap<>();
        if (!p.waitFor(budgetMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            failed.put("failed", "no result within " + budgetMs / 1000 + " s (killed); log " + log);
            return failed;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith(Main.RESULT)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> result = Main.JSON.readValue(line.substring(Main.RESULT.length()), Map.class);
                return result;
            }
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        failed.put("failed", "exit " + p.exitValue() + " without a result: " + tail);
        return failed;
    }

    private static void progress(String scenario, String client, int round, int rounds, Map<String, Object> r) {
        StringBuilder line = new StringBuilder(String.format("%-17s %-12s round %d/%d:", scenario, client, round + 1,
                rounds));
        for (String key : List.of("p50_us", "p99_us", "calls_per_s", "chunks_per_s", "seconds", "completed",
                "peak_threads", "peak_heap_mib", "errors", "failed")) {
            Object v = r.get(key);
            if (v != null) {
                line.append(' ').append(key).append('=').append(v instanceof Double d ? String.format("%.1f", d) : v);
            }
        }
        System.out.println(line);
    }
}
