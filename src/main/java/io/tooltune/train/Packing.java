package io.tooltune.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * TRL's best-fit-decreasing packing (pack_dataset, strategy "bfd", with per-sequence position ids): examples,
 * longest first, each go into the row whose free space fits them most tightly, or into a new row of at most
 * {@code maxLength} tokens. A row numbers its examples so that the model restarts positions and blocks attention
 * between them, and no label crosses from one example into the next.
 */
public final class Packing {
    private Packing() {}

    /** How much of a run's micro-batches is padding, without and with packing. */
    public record Summary(int examples, int rows, long tokens, long paddedUnpacked, long paddedPacked) {
        public String describe(int maxLength) {
            return String.format("packed %d examples into %d rows of at most %d tokens; padding %.1f%% of the batch tokens "
                    + "(%.1f%% without packing)", examples, rows, maxLength, 100.0 * paddedPacked / (tokens + paddedPacked),
                    100.0 * paddedUnpacked / (tokens + paddedUnpacked));
        }
    }

    /** The rows; every example must already fit (SftData truncates to the maximum length). */
    public static List<SftExample> pack(List<SftExample> data, int maxLength) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) order.add(i);
        order.sort(Comparator.comparingInt((Integer i) -> data.get(i).length()).reversed());
        List<List<SftExample>> rows = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (int i : order) {
            SftExample e = data.get(i);
            if (e.length() > maxLength) throw new IllegalArgumentException(e.id() + " is longer than " + maxLength + " tokens");
            int best = -1;
            for (int r = 0; r < rows.size(); r++) {
                if (free.get(r) >= e.length() && (best < 0 || free.get(r) < free.get(best))) best = r;
            }
            if (best < 0) {
                rows.add(new ArrayList<>());
                free.add(maxLength);
                best = rows.size() - 1;
            }
            rows.get(best).add(e);
            free.set(best, free.get(best) - e.length());
        }
        List<SftExample> out = new ArrayList<>(rows.size());
        for (List<SftExample> row : rows) out.add(join(row));
        return out;
    }

    private static SftExample join(List<SftExample> row) {
        int n = row.stream().mapToInt(SftExample::length).sum();
        int[] ids = new int[n];
        int[] labels = new int[n];
        int[] sequences = new int[n];
        List<String> names = new ArrayList<>();
        int at = 0;
        for (int k = 0; k < row.size(); k++) {
            SftExample e = row.get(k);
            System.arraycopy(e.inputIds(), 0, ids, at, e.length());
            System.arraycopy(e.labels(), 0, labels, at, e.length());
            for (int t = 0; t < e.length(); t++) sequences[at + t] = k + 1;
            at += e.length();
            names.add(e.id());
        }
        return new SftExample(String.join("+", names), ids, labels, sequences);
    }

    /** Padding of epoch 0's micro-batches under {@code cfg}, for the examples as they are and packed. */
    public static Summary summarize(List<SftExample> data, List<SftExample> rows, SftConfig cfg) {
        long tokens = data.stream().mapToLong(SftExample::length).sum();
        return new Summary(data.size(), rows.size(), tokens, padding(data, cfg), padding(rows, cfg));
    }

    private static long padding(List<SftExample> data, SftConfig cfg) {
        long padded = 0;
        for (int[] batch : BatchPlan.microBatches(data, cfg, 0)) {
            int cols = 0;
            long tokens = 0;
            for (int i : batch) {
                cols = Math.max(cols, data.get(i).length());
                tokens += data.get(i).length();
            }
            padded += (long) cols * batch.length - tokens;
        }
        return padded;
    }
}
