package ai.synth.lm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Everything one run measured, and the machine it ran on; renders itself as JSON and (via Markdown) as tables. */
final class Report {

    final boolean smoke;
    final int rounds;
    final Map<String, String> bases;
    final List<Section> sections;
    final boolean extras;
    final String only;
    /** The rows this run was limited to (comma-separated), or null for every row of each section. */
    String rows;
    /** The committed results the http figures are compared with; null when none. */
    Baseline baseline;
    final Map<String, Map<String, Summary>> results = new LinkedHashMap<>();
    final Map<String, Object> machine = machine();
    Map<String, Object> startup = Map.of();
    Map<String, Object> jmh = Map.of();
    double elapsedSeconds;

    Report(boolean smoke, int rounds, Map<String, String> bases, List<Section> sections, boolean extras, String only) {
        this.smoke = smoke;
        this.rounds = rounds;
        this.bases = bases;
        this.sections = sections;
        this.extras = extras;
        this.only = only;
    }

    /** Whether this run ran {@code client}'s rows (all do unless {@code --rows} named others). */
    boolean ranRow(String client) {
        return rows == null || List.of(rows.split(",")).contains(client);
    }

    void add(Section section, String client, Map<String, Object> result) {
        results.computeIfAbsent(section.key(), s -> new LinkedHashMap<>()).computeIfAbsent(client, c -> new Summary())
                .add(result);
    }

    void startup(Map<String, Object> s) {
        startup = s;
    }

    void jmh(Map<String, Object> j) {
        jmh = j;
    }

    /** Ends the run: its length, and how busy the machine was at its end. */
    void elapsedSeconds(double s) {
        elapsedSeconds = s;
        machine.put("load_at_end", loadAverage());
    }

    /** The 1-, 5- and 15-minute load averages from /proc/loadavg, or "?" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    Summary summary(Section section, String client) {
        return results.getOrDefault(section.key(), Map.of()).getOrDefault(client, new Summary());
    }

    /** The client's rounds of {@code scenario} over {@code scheme}; empty when not run. */
    Summary summary(String scheme, String scenario, String client) {
        Section section = Section.of(scheme, scenario);
        return section == null ? new Summary() : summary(section, client);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jmhRows() {
        return (List<Map<String, Object>>) jmh.getOrDefault("rows", List.of());
    }

    Map<String, Object> jmhRow(String benchmark, String client) {
        return jmhRows().stream().filter(r -> String.valueOf(r.get("benchmark")).startsWith(benchmark)
                && client.equals(r.get("client"))).findFirst().orElse(null);
    }

    /** For the smoke check: every section, client, start-up command and JMH row that produced nothing. */
    List<String> missingRows() {
        List<String> missing = new ArrayList<>();
        for (Section t : sections) {
            for (String client : t.rows()) {
                if (!ranRow(client)) {
                    continue;
                }
                Summary s = summary(t, client);
                double produced = s.good().isEmpty() ? 0 : s.median(t.table().producedKey());
                if (client.equals(BenchClient.REDIS_ROUTER) && produced > 0
                        && !(s.median(Main.REDIS_ROUND_TRIPS) > 0)) {
                    missing.add(t.key() + " / " + client + ": no " + Main.REDIS_ROUND_TRIPS);
                }
                if (!(produced > 0)) {
                    missing.add(t.key() + " / " + client + ": " + (s.rounds.isEmpty() ? "no result"
                            : s.failures().isEmpty() ? "zero " + t.table().producedKey() + ", errors " + s.errorKinds()
                            : String.join("; ", s.failures())));
                }
            }
        }
        if (extras) {
            missingExtras(missing);
        }
        return missing;
    }

    private void missingExtras(List<String> missing) {
        for (String command : List.of("synth-lm chat", "curl")) {
            if (!(startup.get(command) instanceof Map<?, ?> row) || ((List<?>) row.get("runs_ms")).isEmpty()) {
                missing.add("startup / " + command + ": no successful run " + startup.get(command));
            }
        }
        for (String client : BenchClient.CODECS) {
            Map<String, Object> row = jmhRow("AllocationBench", client);
            if (row == null || !(((Number) row.getOrDefault("alloc_bytes_per_op", 0)).doubleValue() > 0)) {
                missing.add("jmh allocation / " + client + ": " + (row == null ? jmh.get("failed") : row));
            }
        }
        Map<String, Object> parser = jmhRow("SseParserBench", "synth-lm");
        if (parser == null || !(((Number) parser.get("score")).doubleValue() > 0)) {
            missing.add("jmh sse parser: " + jmh.get("failed"));
        }
    }

    int rowCount() {
        int rows = 0;
        for (Section t : sections) {
            rows += (int) t.rows().stream().filter(this::ranRow).count();
        }
        return rows + (extras ? 2 + BenchClient.CODECS.size() + 1 : 0);
    }

    String json() throws JsonProcessingException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", (smoke ? "smoke" : only != null && !only.isBlank() ? "partial: " + only : "full")
                + (rows == null ? "" : "; rows " + rows));
        out.put("machine", machine);
        out.put("rounds", rounds);
        out.put("elapsed_s", elapsedSeconds);
        out.put("servers", bases);
        Map<String, Map<String, Object>> schemes = new LinkedHashMap<>();
        for (Section t : sections) {
            Map<String, Object> clients = new LinkedHashMap<>();
            for (String client : t.rows()) {
                if (!ranRow(client)) {
                    continue;
                }
                clients.put(client, summary(t, client).toMap(t.table().columns()));
            }
            schemes.computeIfAbsent(t.scheme(), k -> new LinkedHashMap<>()).put(t.scenario(), clients);
        }
        out.put("scenarios", schemes);
        if (extras) {
            out.put("startup", startup);
            out.put("jmh", jmh);
        }
        out.put("transport_ab", transportAb());
        out.put("bars", Bars.of(this));
        return Main.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
    }

    /**
     * synth-lm as it comes and over the JDK HttpClient side by side: per section, the headline figure's median as it
     * comes (client synth-lm, whatever transport the library picked) and over the JDK HttpClient (synth-lm-jdk),
     * and which did better.
     */
    List<Map<String, Object>> transportAb() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Section t : abSections()) {
            Table.Column c = t.table().columns().get(0);
            double own = summary(t, "synth-lm").median(c.key());
            double jdk = summary(t, "synth-lm-jdk").median(c.key());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("section", t.key());
            row.put("transport", transportOf(summary(t, "synth-lm").limits()));
            row.put("figure", c.key());
            row.put("as_it_comes", own);
            row.put("jdk_httpclient", jdk);
            row.put("jdk_over_as_it_comes", jdk / own);
            row.put("better", Double.isNaN(own) || Double.isNaN(jdk) ? "not measured" : own == jdk ? "even"
                    : (own > jdk) == c.higherIsBetter() ? "as it comes" : "jdk httpclient");
            rows.add(row);
        }
        return rows;
    }

    /** The sections run with both synth-lm rows (all but the batch scenario). */
    List<Section> abSections() {
        return sections.stream().filter(s -> s.rows().contains("synth-lm-jdk") && ranRow("synth-lm-jdk")
                && ranRow("synth-lm")).toList();
    }

    /** The transport synth-lm's row names in its limits ("carried by its X transport"), or "?". */
    static String transportOf(String limits) {
        int at = limits.indexOf("carried by its ");
        return at < 0 ? "?" : limits.substring(at + 15).split(" ")[0];
    }

    String markdown() {
        return new Markdown(this).render();
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memory_gib", Math.round(((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_at_start", loadAverage());
        m.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("nginx", System.getenv().getOrDefault("BENCH_NGINX_VERSION", "?"));
        m.put("git_commit", System.getenv().getOrDefault("BENCH_GIT_COMMIT", "?"));
        Properties built = builtVersions();
        m.put("openai-java", built.getProperty("openai-java", "?"));
        m.put("langchain4j-open-ai", built.getProperty("langchain4j-open-ai", "?"));
        m.put("jmh", built.getProperty("jmh", "?"));
        m.put("jetty-client", built.getProperty("jetty-client", "?"));
        m.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        m.put("okhttp", okhttp3.OkHttp.VERSION);
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return "?";
    }

    private static Properties builtVersions() {
        Properties p = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("/bench-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // shown as "?"
        }
        return p;
    }
}
