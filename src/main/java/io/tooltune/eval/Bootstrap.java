package io.tooltune.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap 95 % intervals, seeded so a report is reproducible. {@link #meanOfMeans} resamples each group's
 * queries separately (a stratified bootstrap), matching an average over groups.
 */
public final class Bootstrap {
    public static final int RESAMPLES = 2000;

    public record Interval(double low, double high) {}

    private Bootstrap() {}

    public static Interval mean(double[] values, long seed) {
        return meanOfMeans(List.of(values), seed);
    }

    public static Interval meanOfMeans(List<double[]> groups, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] stats = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double sum = 0;
            for (double[] g : groups) {
                double s = 0;
                for (int i = 0; i < g.length; i++) s += g[rnd.nextInt(g.length)];
                sum += g.length == 0 ? 0 : s / g.length;
            }
            stats[b] = groups.isEmpty() ? 0 : sum / groups.size();
        }
        Arrays.sort(stats);
        return new Interval(stats[(int) Math.floor(0.025 * (RESAMPLES - 1))], stats[(int) Math.ceil(0.975 * (RESAMPLES - 1))]);
    }
}
