package io.tooltune.data;

/** Token-length histogram in power-of-two buckets (≤128, ≤256, ... ≤8192, more), with min/mean/max. */
public final class LengthHistogram {
    private static final int[] EDGES = {128, 256, 512, 1024, 2048, 4096, 8192};
    private final long[] counts = new long[EDGES.length + 1];
    private long n, sum, min = Long.MAX_VALUE, max;

    public void add(int length) {
        int b = 0;
        while (b < EDGES.length && length > EDGES[b]) b++;
        counts[b]++;
        n++;
        sum += length;
        min = Math.min(min, length);
        max = Math.max(max, length);
    }

    public long count() {
        return n;
    }

    public String render() {
        if (n == 0) return "no instances\n";
        StringBuilder sb = new StringBuilder(String.format("tokens: min %d, mean %.1f, max %d%n", min, (double) sum / n, max));
        long top = 0;
        for (long c : counts) top = Math.max(top, c);
        for (int b = 0; b < counts.length; b++) {
            String label = b < EDGES.length ? "<= " + EDGES[b] : " > " + EDGES[EDGES.length - 1];
            int bar = (int) Math.round(40.0 * counts[b] / top);
            sb.append(String.format("  %-8s %8d %s%n", label, counts[b], "#".repeat(bar)));
        }
        return sb.toString();
    }
}
