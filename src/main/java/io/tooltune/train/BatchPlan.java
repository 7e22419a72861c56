package io.tooltune.train;

import io.tooltune.model.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Which examples form each micro-batch of an epoch. The order is the file order, or a shuffle seeded by
 * (seed, epoch) so that a resumed run sees the same batches; optional length grouping follows transformers'
 * LengthGroupedSampler (mega-batches of 50 batches sorted by length, the longest mega-batch first). The shuffle
 * is java.util.Random's, not torch's randperm, so the order differs from a PyTorch run with the same seed.
 */
public final class BatchPlan {
    private BatchPlan() {}

    public static List<int[]> microBatches(List<SftExample> data, SftConfig cfg, int epoch) {
        int n = data.size();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) order.add(i);
        if (cfg.shuffle()) Collections.shuffle(order, Seeds.dataOrder(cfg.seed(), epoch));
        if (cfg.groupByLength()) order = groupByLength(order, data, cfg.batchSize());
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += cfg.batchSize()) {
            int end = Math.min(n, start + cfg.batchSize());
            int[] b = new int[end - start];
            for (int i = start; i < end; i++) b[i - start] = order.get(i);
            batches.add(b);
        }
        return batches;
    }

    private static List<Integer> groupByLength(List<Integer> order, List<SftExample> data, int batchSize) {
        int mega = 50 * batchSize;
        List<List<Integer>> megas = new ArrayList<>();
        for (int s = 0; s < order.size(); s += mega) {
            List<Integer> m = new ArrayList<>(order.subList(s, Math.min(order.size(), s + mega)));
            m.sort(Comparator.comparingInt((Integer i) -> data.get(i).length()).reversed());
            megas.add(m);
        }
        int longest = 0;
        for (int i = 1; i < megas.size(); i++) {
            if (data.get(megas.get(i).get(0)).length() > data.get(megas.get(longest).get(0)).length()) longest = i;
        }
        Collections.swap(megas, 0, longest);
        List<Integer> out = new ArrayList<>(order.size());
        megas.forEach(out::addAll);
        return out;
    }

    /** Host arrays of one right-padded micro-batch. */
    public record Batch(long[] ids, long[] mask, long[] targets, float[] weights, int rows, int cols,
                        int labelTokens, int tokens, List<String> exampleIds) {}

    /**
     * Pads the examples on the right with {@code padId}; the mask numbers a packed row's examples (see CausalMask). {@code targets[t]} is the label of position t+1 (the causal
     * shift), with weight 1 where it is a real label and 0 (target 0) elsewhere.
     */
    public static Batch collate(List<SftExample> data, int[] indices, int padId) {
        int rows = indices.length;
        int cols = 0;
        for (int i : indices) cols = Math.max(cols, data.get(i).length());
        long[] ids = new long[rows * cols];
        long[] mask = new long[rows * cols];
        long[] targets = new long[rows * cols];
        float[] weights = new float[rows * cols];
        Arrays.fill(ids, padId);
        int labelTokens = 0;
        int tokens = 0;
        List<String> names = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            SftExample e = data.get(indices[r]);
            names.add(e.id());
            for (int t = 0; t < e.length(); t++) {
                ids[r * cols + t] = e.inputIds()[t];
                mask[r * cols + t] = e.sequence(t);
                if (t + 1 < e.length() && e.isTarget(t + 1)) {
                    targets[r * cols + t] = e.labels()[t + 1];
                    weights[r * cols + t] = 1f;
                    labelTokens++;
                }
            }
            tokens += e.length();
        }
        return new Batch(ids, mask, targets, weights, rows, cols, labelTokens, tokens, names);
    }
}
