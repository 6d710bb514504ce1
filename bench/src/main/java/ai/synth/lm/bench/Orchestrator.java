package ai.synth.lm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark: every end-to-end scenario over every scheme (or the sections {@code --only} names) for every
 * client in its own fresh JVM, clients interleaved (the order rotates each round), then JMH and the start-up
 * comparison (the "extras", run by a full run or when named), then writes the report. Every child JVM trusts the
 * run's self-signed certificate through {@code -Djavax.net.ssl.trustStore}.
 */
final class Orchestrator {

    /** One end-to-end scenario: where it points, its JVM flags and its parameters, full and smoke. */
    record Scenario(String name, String path, List<String> jvm, Map<String, String> full, Map<String, String> smoke) {}

    static final List<String> HEAP = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
    /**
     * Added to {@link #HEAP} in a full run: the JVM touches its whole heap at start-up instead of during the measured
     * calls. Without it every client's first pass through G1's young generation (about 600 MB here) faulted its
     * pages in one by one while calls ran; touching 1 GB takes this machine 2.3 s of system time, and the first
     * seconds at 64 in flight ran at a third of the later rate until the first young collection.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";
    /**
     * How long a full run's throughput and streaming warm-ups may wait past their 2 s for the JIT to go quiet
     * ({@link JitSettle}):
     * without it a third to a half of the measured window's CPU was compilation, and a client with more code on its
     * path (a tracing SDK, the router) looked slower than it is once compiled.
     */
    static final String JIT_SETTLE_MAX_MS = "15000";
    /**
     * The least a full run's 64-in-flight warm-ups wait past their start for the JIT ({@link JitSettle#await(long,
     * long)}): the compilers look quiet before those loads reach their steady rate.
     */
    static final String JIT_SETTLE_MIN_MS = "10000";

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("latency", "/small/v1", HEAP,
                    Map.of("warmup_ms", "2000", "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "measure_ms", "3000"),
                    Map.of("warmup_ms", "300", "measure_ms", "300")),
            new Scenario("latency_10k", "/large/v1", HEAP,
                    Map.of("warmup_ms", "2000", "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "measure_ms", "2000"),
                    Map.of("warmup_ms", "200", "measure_ms", "300")),
            new Scenario("throughput_sync", "/small/v1", HEAP,
                    Map.of("warmup_ms", "2000", "jit_settle_min_ms", JIT_SETTLE_MIN_MS,
                            "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "measure_ms", "4000", "concurrency", "64"),
                    Map.of("warmup_ms", "500", "measure_ms", "700", "concurrency", "64")),
            new Scenario("throughput_async", "/small/v1", HEAP,
                    Map.of("warmup_ms", "2000", "jit_settle_min_ms", JIT_SETTLE_MIN_MS,
                            "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "measure_ms", "4000", "concurrency", "64"),
                    Map.of("warmup_ms", "500", "measure_ms", "700", "concurrency", "64")),
            new Scenario("streaming", "/stream/v1", HEAP,
                    Map.of("warmup_ms", "2000", "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "measure_ms", "4000"),
                    Map.of("warmup_ms", "300", "measure_ms", "500")),
            new Scenario("inflight", "/slow/v1", List.of("-Xmx512m", "-XX:+UseG1GC"),
                    Map.of("calls", "10000", "warmup_calls", "64", "cap_ms", "20000"),
                    Map.of("calls", "128", "warmup_calls", "0", "cap_ms", "30000")),
            new Scenario("batch", "/small/v1", HEAP,
                    Map.of("warmup_calls", "30000", "jit_settle_min_ms", JIT_SETTLE_MIN_MS,
                            "jit_settle_max_ms", JIT_SETTLE_MAX_MS, "calls", "100000", "concurrency", "64"),
                    Map.of("warmup_calls", "0", "calls", "200", "concurrency", "64")));

    private final Map<String, String> bases;
    private final List<String> trust;
    private final Path cliJar;
    private final Path out;
    private final boolean smoke;
    private final int rounds;
    private final List<Section> sections;
    private final boolean extras;
    private final String only;
    /** The rows to run (null: every row of each section). */
    private final Set<String> rows;
    private final Path baseline;
    private final Path jar;
    private final String java;
    private final Path logs;
    private final String redisUrl;

    private Orchestrator(Options o) throws IOException {
        this.bases = o.bases;
        this.trust = o.trustStore == null ? List.of() : List.of("-Djavax.net.ssl.trustStore=" + o.trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + o.trustPassword, "-Djavax.net.ssl.trustStoreType=PKCS12");
        this.cliJar = o.cli;
        this.out = o.out;
        this.smoke = o.smoke;
        this.rounds = o.rounds != null ? o.rounds : o.smoke ? 1 : 5;
        this.only = o.only;
        this.rows = o.rows == null ? null : Set.copyOf(List.of(o.rows.split(",")));
        this.baseline = o.baseline;
        this.sections = Section.select(o.only).stream().filter(s -> bases.containsKey(s.scheme())).toList();
        this.extras = o.only == null || o.only.isBlank() || List.of(o.only.split(",")).contains("extras");
        this.jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.logs = Files.createDirectories(o.logs != null ? o.logs : o.out.resolve("logs"));
        this.redisUrl = o.redisUrl;
        if (sections.isEmpty() && !extras) {
            throw new IllegalArgumentException("--only " + o.only + " selects nothing: name scenarios ("
                    + Table.ALL.stream().map(Table::scenario).toList() + "), schemes " + Section.SCHEMES
                    + ", scheme:scenario, or extras (start-up and JMH)");
        }
        if (rows != null) {
            Set<String> known = new java.util.TreeSet<>();
            sections.forEach(s -> known.addAll(s.rows()));
            List<String> unknown = rows.stream().filter(r -> !known.contains(r)).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("--rows names " + unknown + ", which the selected sections do not"
                        + " run; their rows: " + known);
            }
        }
    }

    /** The command line of {@code run}. */
    private static final class Options {
        final Map<String, String> bases = new LinkedHashMap<>();
        Path cli;
        Path out;
        Path logs;
        String trustStore;
        String trustPassword;
        boolean smoke;
        Integer rounds;
        String only;
        String rows;
        Path baseline;
        String redisUrl;
    }

    static Orchestrator fromArgs(String[] args) throws IOException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> o.bases.put(Section.HTTP, args[++i]);
                case "--tls-base" -> o.bases.put(Section.HTTPS, args[++i]);
                case "--h2-base" -> o.bases.put(Section.H2, args[++i]);
                case "--trust-store" -> o.trustStore = args[++i];
                case "--trust-password" -> o.trustPassword = args[++i];
                case "--cli-jar" -> o.cli = Path.of(args[++i]);
                case "--out" -> o.out = Path.of(args[++i]);
                case "--logs" -> o.logs = Path.of(args[++i]);
                case "--smoke" -> o.smoke = true;
                case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                case "--only" -> o.only = args[++i];
                case "--rows" -> o.rows = args[++i];
                case "--baseline" -> o.baseline = Path.of(args[++i]);
                case "--redis-url" -> o.redisUrl = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!o.bases.containsKey(Section.HTTP) || o.cli == null || o.out == null) {
            throw new IllegalArgumentException("run needs --base URL --cli-jar JAR --out DIR");
        }
        // Five rounds: on a shared 2-core machine a neighbour's build can spoil one or two of them.
        return new Orchestrator(o);
    }

    int run() throws Exception {
        Report report = new Report(smoke, rounds, bases, sections, extras, only);
        report.rows = rows == null ? null : String.join(",", new java.util.TreeSet<>(rows));
        report.baseline = Baseline.read(baseline);
        long started = System.nanoTime();
        for (Section s : sections) {
            Scenario scenario = scenario(s.scenario());
            int scenarioRounds = s.scenario().equals("inflight") && !smoke ? Math.min(rounds, 2) : rounds;
            for (int r = 0; r < scenarioRounds; r++) {
                for (String client : rotated(s.rows(), r + sections.indexOf(s))) {
                    if (rows != null && !rows.contains(client)) {
                        continue;
                    }
                    Map<String, Object> result = child(s, scenario, client, r);
                    report.add(s, client, result);
                    progress(s, client, r, scenarioRounds, result);
                }
            }
        }
        if (extras) {
            report.startup(new Startup(cliJar, bases.get(Section.HTTP) + "/small/v1", java, logs).run(smoke ? 2 : 15));
            report.jmh(new JmhRunner(java, jar, logs, smoke).run());
        }
        report.elapsedSeconds((System.nanoTime() - started) / 1e9);
        String name = smoke ? "smoke" : only != null && !only.isBlank() || rows != null ? "partial" : "latest";
        Files.createDirectories(out);
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

    private static Scenario scenario(String name) {
        return SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static List<String> rotated(List<String> names, int by) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            order.add(names.get((i + by) % names.size()));
        }
        return order;
    }

    private Map<String, Object> child(Section section, Scenario s, String client, int round) throws Exception {
        Map<String, String> params = smoke ? s.smoke() : s.full();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(s.jvm());
        if (!smoke && s.jvm() == HEAP) {
            cmd.add(PRE_TOUCH);
        }
        cmd.addAll(trust);
        if (redisUrl != null) {
            cmd.add("-D" + BenchClient.REDIS_URL_PROPERTY + "=" + redisUrl);
        }
        cmd.addAll(List.of("-cp", jar.toString(), Main.class.getName(), "child", s.name(), client,
                bases.get(section.scheme()) + s.path()));
        params.forEach((k, v) -> cmd.add(k + "=" + v));
        long budgetMs = 60_000 + params.entrySet().stream().filter(e -> e.getKey().endsWith("_ms"))
                .mapToLong(e -> Long.parseLong(e.getValue())).sum();
        Path log = logs.resolve(section.scheme() + "-" + s.name() + "-" + client + "-" + round + ".log");
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

    private static void progress(Section s, String client, int round, int rounds, Map<String, Object> r) {
        StringBuilder line = new StringBuilder(String.format("%-23s %-12s round %d/%d:", s.key(), client, round + 1,
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
