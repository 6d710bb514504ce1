package ai.synth.lm.bench;

import java.util.List;

/**
 * The https bars of the transport issue, from one run: c=1 p50 at or below the raw floor's; c=64 (both faces) and
 * streaming at least {@value Bars#HTTPS_FACTOR}x the best of openai-java, LangChain4j, the raw floor and Jetty;
 * every in-flight call done with at most {@value Bars#THREADS} threads and no failure, on the https server and on the
 * one offering h2. Only the bars of the sections the run measured.
 */
final class HttpsBars {

    /** Takes one bar: its text, the figure, whether it is met. */
    interface Sink {
        void add(String bar, String figure, boolean met);
    }

    private final Report r;
    private final Sink sink;

    private HttpsBars(Report r, Sink sink) {
        this.r = r;
        this.sink = sink;
    }

    static void add(Report report, Sink sink) {
        HttpsBars b = new HttpsBars(report, sink);
        b.latency();
        b.best("throughput_sync", "calls_per_s", "https 2a. c=64 sync calls/s");
        b.best("throughput_async", "calls_per_s", "https 2b. c=64 async calls/s");
        b.best("streaming", "chunks_per_s", "https 4. chunks/s");
        b.inflight(Section.HTTPS);
        b.inflight(Section.H2);
    }

    private Summary of(String scheme, String scenario, String client) {
        return r.summary(scheme, scenario, client);
    }

    private boolean ran(String scheme, String scenario) {
        Section s = Section.of(scheme, scenario);
        return s != null && r.sections.contains(s);
    }

    private void latency() {
        String bar = "https 1. c=1 p50 at or below the raw floor's";
        if (!ran(Section.HTTPS, "latency")) {
            return;
        }
        double synth = of(Section.HTTPS, "latency", "synth-lm").median("p50_us");
        double floor = of(Section.HTTPS, "latency", "raw-jdk").median("p50_us");
        sink.add(bar, String.format("%.0f µs vs %.0f µs (%.2fx)", synth, floor, synth / floor), synth <= floor);
    }

    /** synth-lm's median over the best median of the others, and which was best. */
    private void best(String scenario, String key, String what) {
        String bar = what + " at least " + Bars.HTTPS_FACTOR + "x the best of " + String.join(", ",
                Bars.HTTPS_OTHERS);
        if (!ran(Section.HTTPS, scenario)) {
            return;
        }
        double synth = of(Section.HTTPS, scenario, "synth-lm").median(key);
        String bestName = null;
        double best = Double.NaN;
        for (String other : Bars.HTTPS_OTHERS) {
            double v = of(Section.HTTPS, scenario, other).median(key);
            if (!Double.isNaN(v) && (Double.isNaN(best) || v > best)) {
                best = v;
                bestName = other;
            }
        }
        double ratio = synth / best;
        sink.add(bar, String.format("%.2fx (%s vs %s's %s)", ratio, Markdown.format(synth), bestName,
                Markdown.format(best)), ratio >= Bars.HTTPS_FACTOR);
    }

    private void inflight(String scheme) {
        String server = scheme.equals(Section.H2) ? "the server offering h2" : "the https server";
        String bar = "https 5. every in-flight call to " + server + " done, no failure, at most " + Bars.THREADS
                + " threads";
        if (!ran(scheme, "inflight")) {
            return;
        }
        Summary s = of(scheme, "inflight", "synth-lm");
        double calls = s.median("calls");
        double completed = s.median("completed");
        double threads = s.max("peak_threads");
        boolean all = completed == calls && s.errors() == 0 && s.failures().isEmpty();
        sink.add(bar, String.format("%,.0f of %,.0f in %.2f s, %,d errors, %.0f threads at most", completed, calls,
                s.median("seconds"), s.errors(), threads), all && threads <= Bars.THREADS);
    }
}
