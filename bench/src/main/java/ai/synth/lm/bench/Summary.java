package ai.synth.lm.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One client's rounds of one scenario: medians and ranges of each figure, errors summed over the rounds. */
final class Summary {

    final List<Map<String, Object>> rounds = new ArrayList<>();

    void add(Map<String, Object> round) {
        rounds.add(round);
    }

    /** The rounds that produced figures. */
    List<Map<String, Object>> good() {
        return rounds.stream().filter(r -> !r.containsKey("failed")).toList();
    }

    List<Double> values(String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Object> r : good()) {
            if (r.get(key) instanceof Number n) {
                v.add(n.doubleValue());
            }
        }
        return v;
    }

    double median(String key) {
        return Stats.median(values(key));
    }

    double min(String key) {
        return Stats.min(values(key));
    }

    double max(String key) {
        return Stats.max(values(key));
    }

    long errors() {
        long n = 0;
        for (Map<String, Object> r : good()) {
            if (r.get("errors") instanceof Number e) {
                n += e.longValue();
            }
        }
        return n;
    }

    /** Every distinct cause seen in any round, with its count over the rounds. */
    Map<String, Long> errorKinds() {
        Map<String, Long> kinds = new LinkedHashMap<>();
        for (Map<String, Object> r : good()) {
            if (r.get("error_kinds") instanceof Map<?, ?> m) {
                m.forEach((k, v) -> kinds.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
            }
        }
        return kinds;
    }

    List<String> failures() {
        return rounds.stream().filter(r -> r.containsKey("failed")).map(r -> String.valueOf(r.get("failed"))).toList();
    }

    String limits() {
        return good().stream().map(r -> (String) r.get("limits")).filter(l -> l != null).findFirst().orElse("");
    }

    /** A JSON-ready view: per figure, the median and range, plus errors and the raw rounds. */
    Map<String, Object> toMap(List<Table.Column> columns) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Table.Column c : columns) {
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("median", median(c.key()));
            figure.put("min", min(c.key()));
            figure.put("max", max(c.key()));
            out.put(c.key(), figure);
        }
        out.put("errors", errors());
        out.put("error_kinds", errorKinds());
        out.put("failures", failures());
        out.put("limits", limits());
        out.put("rounds", rounds);
        return out;
    }
}
