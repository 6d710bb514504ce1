package ai.synth.lm.bench;

import java.util.Arrays;
import java.util.List;

/** Medians, ranges and percentiles. */
final class Stats {

    private Stats() {}

    /** The {@code p}-th percentile (0..100) of {@code values}, nearest rank; the array is sorted in place. */
    static long percentile(long[] values, int n, double p) {
        if (n == 0) {
            return 0;
        }
        Arrays.sort(values, 0, n);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return values[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
