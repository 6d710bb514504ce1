package ai.synth.lm.bench;

import java.util.List;
import java.util.Map;

/** The report as Markdown: machine facts, one table per scenario with ratios to synth-lm, then the bars. */
final class Markdown {

    private final Report r;
    private final StringBuilder md = new StringBuilder();

    Markdown(Report report) {
        this.r = report;
    }

    String render() {
        header();
        for (Section t : r.sections) {
            table(t);
        }
        if (r.extras) {
            allocation();
            parser();
            startup();
        }
        transports();
        bars();
        return md.toString();
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void header() {
        Map<String, Object> m = r.machine;
        line("# synth-lm benchmark" + (r.smoke ? " (smoke run: a few iterations, figures mean nothing)" : "")
                + (r.only != null && !r.only.isBlank() ? " (partial run: --only " + r.only
                        + (r.rows == null ? "" : " --rows " + r.rows) + ")" : r.rows == null ? "" : " (rows " + r.rows + ")"));
        line("");
        line("Run " + m.get("date") + " on " + m.get("cores") + " cores (" + m.get("cpu") + "), " + m.get("memory_gib")
                + " GiB, " + m.get("os") + "; JDK " + m.get("jdk") + "; nginx " + m.get("nginx") + "; commit "
                + m.get("git_commit") + ". The whole run took " + Math.round(r.elapsedSeconds / 60) + " min. Load"
                + " average (1, 5, 15 min) at the start " + m.get("load_at_start") + ", at the end "
                + m.get("load_at_end") + " (" + m.get("cores") + " cores: above that, the clients waited for CPU).");
        line("");
        line("Peers: openai-java " + m.get("openai-java") + " (OkHttp " + m.get("okhttp") + "), langchain4j-open-ai "
                + m.get("langchain4j-open-ai") + ", Jetty's HttpClient " + m.get("jetty-client") + " (the reference:"
                + " non-blocking, HTTP/1.1, its per-host limits raised), and the floor: the JDK HttpClient posting a"
                + " prebuilt body and Jackson " + m.get("jackson") + " reading the tree. Server: nginx on loopback,"
                + " one worker, serving the same canned bodies on three ports: plain http, https (TLS offering only"
                + " HTTP/1.1) and https offering h2 by ALPN (the in-flight scenario only; each client negotiates what"
                + " it supports). The certificate is self-signed, made for the run, and trusted by every client's JVM"
                + " (-Djavax.net.ssl.trustStore). Reproduce with `bench/run`.");
        line("");
        line("synth-lm is the library as it comes: whatever transport it picks for the scheme (named in the table of"
                + " limits below). synth-lm (JDK HttpClient) is synth-lm itself, run with -Dai.synth.lm.transport=jdk,"
                + " so each table also shows the A/B of the two measured in the same run. It is no peer: the bars"
                + " compare synth-lm as it comes with the others only.");
        line("");
        line("synth-lm + OpenTelemetry, in the throughput tables over http only, is synth-lm's provider with the"
                + " OpenTelemetry module on over the real SDK that exports nowhere (every span sampled and recorded,"
                + " handed to no exporter; histograms on a reader whose exporter drops them): what the listener path"
                + " costs a call. No peer either.");
        line("");
        line("Bare sockets, in the in-flight table only, is no client at all: one selector thread opens a fresh"
                + " non-blocking connection per call, writes one fixed POST with the same body, reads the response to"
                + " its end (no JSON) and closes it. It is this machine's own floor for that many fresh loopback"
                + " connections at once, measured in the same run; the bars quote it, never compare with it.");
        line("");
        line("Every client runs in its own fresh JVM per scenario and round (-Xms1g -Xmx1g, G1"
                + (r.smoke ? "" : ", its heap touched at start-up") + "), warms up (in the"
                + " throughput and streaming scenarios also until the JIT is quiet: 2 s in a row with less than 5 % of it compiling,"
                + " at most 15 s more; at 64 in flight, at least 10 s), then is measured; the order of the clients rotates each round. Figures are the median of " + r.rounds
                + " rounds, with the range over the rounds in brackets; **x synth-lm** is the client's median"
                + " divided by synth-lm's from this same run. These machines are shared and noisy: compare ratios,"
                + " not absolute times.");
        line("");
        line("| client | async face, concurrency and connection limits |");
        line("| --- | --- |");
        for (String client : BenchClient.ROWS) {
            if (!r.ranRow(client)) {
                continue;
            }
            Map<String, String> limits = new java.util.LinkedHashMap<>(); // distinct text -> the schemes it held on
            for (Section t : r.sections) {
                String l = r.summary(t, client).limits();
                if (!l.isEmpty()) {
                    limits.merge(l, t.scheme(), (a, b) -> a.contains(b) ? a : a + ", " + b);
                }
            }
            StringBuilder text = new StringBuilder();
            limits.forEach((l, schemes) -> text.append(text.length() == 0 ? "" : "; ")
                    .append(limits.size() > 1 ? "over " + schemes + ": " : "").append(l));
            line("| " + BenchClient.label(client) + " | " + cell(text.toString()) + " |");
        }
        line("");
        line("The sync throughput runs 64 caller threads for everyone; the async throughput keeps 64 calls in flight"
                + " for everyone; nobody's retries or timeouts were changed from their defaults.");
        line("");
    }

    private void table(Section section) {
        Table t = section.table();
        line("## " + section.title());
        line("");
        line(t.how());
        line("");
        StringBuilder head = new StringBuilder("| client |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (Table.Column c : t.columns()) {
            head.append(' ').append(c.label()).append(c.higherIsBetter() ? " ↑" : " ↓").append(" |");
            rule.append(" ---: |");
            if (c.ratio()) {
                head.append(" x synth-lm |");
                rule.append(" ---: |");
            }
        }
        head.append(" errors |");
        rule.append(" ---: |");
        line(head.toString());
        line(rule.toString());
        Summary synth = r.summary(section, "synth-lm");
        for (String client : section.rows()) {
            if (!r.ranRow(client)) {
                continue;
            }
            Summary s = r.summary(section, client);
            StringBuilder row = new StringBuilder("| " + BenchClient.label(client) + " |");
            if (s.good().isEmpty()) {
                row.append(" failed: ").append(cell(String.join("; ", s.failures()))).append(" |");
                line(row.toString());
                continue;
            }
            for (Table.Column c : t.columns()) {
                row.append(' ').append(figure(s, c.key())).append(" |");
                if (c.ratio()) {
                    row.append(' ').append(ratio(s.median(c.key()), synth.median(c.key()))).append(" |");
                }
            }
            row.append(' ').append(String.format("%,d", s.errors())).append(" |");
            line(row.toString());
        }
        line("");
        notes(section);
    }

    /** Errors by cause, failures, and for in-flight what happened to each client. */
    private void notes(Section t) {
        for (String client : t.rows()) {
            Summary s = r.summary(t, client);
            String name = BenchClient.label(client);
            if (!s.errorKinds().isEmpty()) {
                line("- " + name + " errors: " + cell(s.errorKinds().toString()));
            }
            if (!s.failures().isEmpty() && !s.good().isEmpty()) {
                line("- " + name + " failed rounds: " + String.join("; ", s.failures()));
            }
            if (t.scenario().equals("batch") && client.equals(BatchLoad.RUNNER) && !s.good().isEmpty()) {
                double added = 1e6 / s.median("calls_per_s") - 1e6 / r.summary(t, "synth-lm").median("calls_per_s");
                line("- " + name + ": " + String.format("%+.1f µs per result over the loop in all (medians), of which"
                        + " the durable write alone %.1f µs for a %,.0f-byte result line.", added,
                        s.median("write_us"), s.median("result_bytes")));
            }
            if (client.equals(BenchClient.REDIS_ROUTER) && !s.good().isEmpty()) {
                Summary memory = r.summary(t, BenchClient.ROUTER);
                line("- " + name + ": " + String.format("%+.1f µs at p50 and %+.1f µs at p99 over the in-memory"
                        + " Router row of this run (medians of the rounds); %.2f Redis round trips per call (the"
                        + " commands its Redis client sent, over the calls after the first, which loads the scripts)",
                        s.median("p50_us") - memory.median("p50_us"), s.median("p99_us") - memory.median("p99_us"),
                        s.median(Main.REDIS_ROUND_TRIPS)) + ".");
            }
            if (t.scenario().equals("inflight") && !s.good().isEmpty()) {
                Map<String, Object> last = s.good().get(s.good().size() - 1);
                boolean all = Boolean.TRUE.equals(last.get("all_done"));
                line("- " + name + ": " + (all ? "all " + num(last.get("calls")) + " completed in "
                        + String.format("%.2f s", (Double) last.get("seconds"))
                        : num(last.get("completed")) + " of " + num(last.get("calls")) + " completed within the "
                        + num(last.get("cap_s")) + " s cap, " + num(last.get("unfinished")) + " still unfinished")
                        + "; threads " + num(last.get("baseline_threads")) + " before the calls, "
                        + num(last.get("peak_threads")) + " at the peak (last round).");
            }
        }
        line("");
    }

    /** Text that cannot break a table row or a list item. */
    static String cell(String text) {
        return text.replace('|', '/').replaceAll("\\s+", " ");
    }

    private static String num(Object o) {
        return o instanceof Number n ? String.format("%,.0f", n.doubleValue()) : String.valueOf(o);
    }

    private String figure(Summary s, String key) {
        double median = s.median(key);
        if (Double.isNaN(median)) {
            return "-";
        }
        String value = format(median);
        List<Double> values = s.values(key);
        if (values.size() > 1) {
            value += " (" + format(s.min(key)) + "–" + format(s.max(key)) + ")";
        }
        return value;
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format("%,.0f", v);
        }
        return Math.abs(v) >= 100 ? String.format("%,.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v)
                : String.format("%.2f", v);
    }

    static String ratio(double value, double synth) {
        if (Double.isNaN(value) || Double.isNaN(synth) || synth == 0) {
            return "-";
        }
        return String.format("%.2fx", value / synth);
    }

    private void allocation() {
        line("## 3. Allocation per call (JMH, `-prof gc`)");
        line("");
        line("One request build + JSON encode + response decode (~1 KB), each with the client's own code and no"
                + " transport; `gc.alloc.rate.norm`. JMH " + r.jmh.get("options") + ". The floor's body is"
                + " prebuilt, so it only decodes.");
        line("");
        line("| client | bytes/call ↓ | x synth-lm | ns/call ↓ | x synth-lm |");
        line("| --- | ---: | ---: | ---: | ---: |");
        Map<String, Object> synth = r.jmhRow("AllocationBench", "synth-lm");
        for (String client : BenchClient.CODECS) {
            Map<String, Object> row = r.jmhRow("AllocationBench", client);
            if (row == null || synth == null) {
                line("| " + client + " | failed: " + r.jmh.get("failed") + " | | | |");
                continue;
            }
            double bytes = ((Number) row.get("alloc_bytes_per_op")).doubleValue();
            double ns = ((Number) row.get("score")).doubleValue();
            line("| " + client + " | " + String.format("%,.0f", bytes) + " | "
                    + ratio(bytes, ((Number) synth.get("alloc_bytes_per_op")).doubleValue()) + " | "
                    + String.format("%,.0f ± %,.0f", ns, ((Number) row.get("score_error")).doubleValue()) + " | "
                    + ratio(ns, ((Number) synth.get("score")).doubleValue()) + " |");
        }
        line("");
    }

    private void parser() {
        Map<String, Object> row = r.jmhRow("SseParserBench", "synth-lm");
        line("## 4b. SSE parser alone (JMH, one thread)");
        line("");
        line("synth-lm's `SseParser` on the canned 1,000-chunk stream fed in 16 KiB reads: "
                + (row == null ? "failed: " + r.jmh.get("failed") : String.format("**%,.0f events/s** (± %,.0f)",
                        ((Number) row.get("score")).doubleValue(), ((Number) row.get("score_error")).doubleValue()))
                + ".");
        line("");
    }

    @SuppressWarnings("unchecked")
    private void startup() {
        line("## 6. Start-up, for the record");
        line("");
        line("`" + r.startup.get("command") + "` as a whole process (JVM start included), against `curl` posting"
                + " the same request; alternating runs, wall time.");
        line("");
        line("| command | median ms ↓ | range | runs | failures |");
        line("| --- | ---: | ---: | ---: | ---: |");
        for (String command : List.of("synth-lm chat", "curl")) {
            if (!(r.startup.get(command) instanceof Map<?, ?> row)) {
                line("| " + command + " | not run | | | |");
                continue;
            }
            List<Double> runs = (List<Double>) row.get("runs_ms");
            List<String> failures = (List<String>) row.get("failures");
            line("| " + command + " | " + (runs.isEmpty() ? "-" : format(Stats.median(runs))) + " | "
                    + (runs.isEmpty() ? "-" : format(Stats.min(runs)) + "–" + format(Stats.max(runs))) + " | "
                    + runs.size() + " | " + failures.size() + " |");
        }
        line("");
    }

    /** One line: per section, synth-lm's headline figure as it comes against over the JDK HttpClient. */
    private void transports() {
        if (r.abSections().isEmpty()) {
            return;
        }
        line("## synth-lm as it comes and over the JDK HttpClient, from this run");
        line("");
        StringBuilder ab = new StringBuilder("synth-lm as it comes (its transport in brackets) vs over the JDK"
                + " HttpClient, each table's headline median (the better in bold; then the JDK's divided by the"
                + " other's):");
        List<Map<String, Object>> rows = r.transportAb();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            Table.Column c = r.abSections().get(i).table().columns().get(0);
            String own = format((Double) row.get("as_it_comes"));
            String jdk = format((Double) row.get("jdk_httpclient"));
            if ("as it comes".equals(row.get("better"))) {
                own = "**" + own + "**";
            } else if ("jdk httpclient".equals(row.get("better"))) {
                jdk = "**" + jdk + "**";
            }
            ab.append(i == 0 ? " " : "; ").append(row.get("section")).append(' ').append(c.label()).append(' ')
                    .append(own).append(" (").append(row.get("transport")).append(") vs ").append(jdk)
                    .append(" (").append(ratio((Double) row.get("jdk_httpclient"), (Double) row.get("as_it_comes")))
                    .append(')');
        }
        line(ab.append('.').toString());
        line("");
    }

    private void bars() {
        line("## The bars of the issue, from this run");
        line("");
        line("| bar | synth-lm | met |");
        line("| --- | ---: | --- |");
        for (Map<String, Object> bar : Bars.of(r)) {
            line("| " + bar.get("bar") + " | " + bar.get("figure") + " | "
                    + (Boolean.TRUE.equals(bar.get("met")) ? "yes" : "**no**") + " |");
        }
        line("");
    }
}
