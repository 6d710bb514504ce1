package ai.synth.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed results a run compares its plain-http figures with ({@code bench/results/latest.json}): per
 * scenario, synth-lm's headline median there. Reads the layout with schemes ({@code scenarios.http.latency}) and the
 * older one without ({@code scenarios.latency}).
 */
final class Baseline {

    private final JsonNode scenarios;
    final String commit;

    private Baseline(JsonNode root) {
        JsonNode s = root.path("scenarios");
        this.scenarios = s.has(Section.HTTP) ? s.path(Section.HTTP) : s;
        this.commit = root.path("machine").path("git_commit").asText("?");
    }

    /** The baseline in {@code file}, or null when there is none or it cannot be read. */
    static Baseline read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new Baseline(Main.JSON.readTree(file.toFile()));
        } catch (IOException e) {
            return null;
        }
    }

    /** synth-lm's median of {@code key} in {@code scenario}, or NaN. */
    double synth(String scenario, String key) {
        JsonNode v = scenarios.path(scenario).path("synth-lm").path(key).path("median");
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /**
     * The bars "over http no scenario worse than the committed results by more than this run's own spread": per
     * http section run, synth-lm's headline median against the baseline's, allowed to be worse by at most the range
     * of synth-lm's own rounds in this run.
     */
    static void bars(Report r, Baseline base, HttpsBars.Sink sink) {
        for (Section s : r.sections) {
            if (!s.scheme().equals(Section.HTTP)) {
                continue;
            }
            Table.Column c = s.table().columns().get(0);
            String bar = "http 0. " + s.scenario() + " " + c.label() + " no worse than the committed results"
                    + (base == null ? "" : " (" + base.commit + ")") + " by more than this run's spread";
            double before = base == null ? Double.NaN : base.synth(s.scenario(), c.key());
            Summary now = r.summary(s, "synth-lm");
            double median = now.median(c.key());
            if (base != null && Double.isNaN(before) && !base.scenarios.has(s.scenario())) {
                continue; // a scenario newer than the committed results: nothing to compare with yet
            }
            if (Double.isNaN(before) || Double.isNaN(median)) {
                sink.add(bar, base == null ? "no committed results" : "not measured", false);
                continue;
            }
            double spread = now.max(c.key()) - now.min(c.key());
            double worse = c.higherIsBetter() ? before - median : median - before;
            sink.add(bar, String.format("%s now, %s then, spread %s", Markdown.format(median),
                    Markdown.format(before), Markdown.format(spread)), worse <= spread);
        }
    }
}
