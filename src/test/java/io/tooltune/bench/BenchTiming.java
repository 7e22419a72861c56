package io.tooltune.bench;

import java.util.Arrays;
import java.util.List;

/** Wall-clock timing and medians for the benchmark mains (the only place where measuring speed is the point). */
final class BenchTiming {
    private BenchTiming() {}

    interface Timed {
        double seconds() throws Exception;
    }

    static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Median of {@code runs} measurements. */
    static double median(int runs, Timed t) throws Exception {
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) v[i] = t.seconds();
        return median(v);
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
