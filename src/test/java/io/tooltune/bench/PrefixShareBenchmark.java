package io.tooltune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.KvCache;
import io.tooltune.model.SharedPrefix;
import io.tooltune.model.SlotKvCache;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * The continuous engine's two costs of a cached system prompt, with the prefix copied into every row (as before
 * shared prefixes) and read in place, in one run on a random opt-350m: a cohort's batch prefill of short tails over
 * the prefix, its rows joining a slot cache, and a decode step over all rows. Run with
 * {@code bench/prefix-share [--prefix 590 --tail 11 --rows 15 --runs 3 --steps 5]}.
 */
@Command(name = "prefix-share", mixinStandardHelpOptions = true)
public final class PrefixShareBenchmark implements Callable<Integer> {
    @Option(names = "--prefix", defaultValue = "590", description = "cached prompt prefix, tokens (default ${DEFAULT-VALUE})")
    int prefixTokens;

    @Option(names = "--tail", defaultValue = "11", description = "each request's own tokens after the prefix (default ${DEFAULT-VALUE})")
    int tail;

    @Option(names = "--rows", defaultValue = "15", description = "requests prefilled together; one more row decodes (default ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--runs", defaultValue = "3", description = "measurements per figure, median reported (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--steps", defaultValue = "5", description = "decode steps per decode measurement, median reported (default ${DEFAULT-VALUE})")
    int steps;

    private CausalLM model;
    private SharedPrefix prefix;
    private final SplittableRandom rnd = new SplittableRandom(11);

    public static void main(String[] args) {
        System.exit(new CommandLine(new PrefixShareBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (GradMode.Scope noGrad = GradMode.noGrad(); CausalLM m = OptModel.random(OptConfig.opt350m(), 1)) {
            model = m;
            prefix = SharedPrefix.compute(model, ids(prefixTokens));
            try {
                // [copied, shared] x [prefill pass, join, decode step]
                List<List<List<Double>>> times = List.of(List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()),
                        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                for (int run = -1; run < runs; run++) {
                    for (boolean shared : new boolean[] {false, true}) {
                        try (NDManager arrays = model.manager().newSubManager()) {
                            SlotKvCache slot = new SlotKvCache(arrays, model.config().numLayers(), rows + 1, 256);
                            double[] prefillAndJoin = cohort(arrays, slot, rows, shared);
                            cohort(arrays, slot, 1, shared);
                            List<Double> stepTimes = new ArrayList<>();
                            for (int s = 0; s < steps; s++) stepTimes.add(BenchTiming.seconds(() -> decodeStep(arrays, slot)));
                            slot.close();
                            if (run < 0) continue; // warm-up
                            List<List<Double>> into = times.get(shared ? 1 : 0);
                            into.get(0).add(prefillAndJoin[0]);
                            into.get(1).add(prefillAndJoin[1]);
                            into.get(2).add(BenchTiming.median(stepTimes));
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "random opt-350m, prefix %d tokens, %d tails of %d tokens, decode over %d rows; medians of %d after a warm-up%n",
                        prefixTokens, rows, tail, rows + 1, runs);
                String[] names = {"cohort prefill pass", "cohort joins the rows", "decode step"};
                for (int i = 0; i < names.length; i++) report(names[i], times.get(0).get(i), times.get(1).get(i));
            } finally {
                prefix.release();
            }
        }
        return 0;
    }

    private void report(String what, List<Double> copied, List<Double> shared) {
        double c = BenchTiming.median(copied) * 1000;
        double s = BenchTiming.median(shared) * 1000;
        System.out.printf(Locale.ROOT, "%-22s  prefix copied per row %8.1f ms   read in place %8.1f ms   (%.2fx)   runs %s / %s%n",
                what, c, s, c / s, millis(copied), millis(shared));
    }

    private static String millis(List<Double> seconds) {
        return seconds.stream().map(v -> String.format(Locale.ROOT, "%.0f", v * 1000)).toList().toString();
    }

    /**
     * {@code b} requests' tails prefilled as one batch over the prefix (copied once per row, or read in place), then
     * added to the slot cache (the whole prompt copied, or the tail only); the seconds of each part.
     */
    private double[] cohort(NDManager arrays, SlotKvCache slot, int b, boolean shared) {
        long t0 = System.nanoTime();
        int layers = model.config().numLayers();
        try (NDManager m = arrays.newSubManager();
             KvCache cache = shared ? KvCache.startingWith(layers, prefix, prefixTokens, b, m) : copiedPrefix(m, b)) {
            long[] tails = new long[b * tail];
            for (int i = 0; i < tails.length; i++) tails[i] = 3 + rnd.nextInt(model.config().vocabSize() - 3);
            Shape shape = new Shape(b, tail);
            lastLogits(m.create(tails, shape), m.ones(shape, DataType.INT64), cache);
            long t1 = System.nanoTime();
            for (int r = 0; r < b; r++) slot.addRow(cache, r);
            return new double[] {(t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9};
        }
    }

    /** The prefix repeated into every row of a new cache, as the engine did before rows shared it. */
    private KvCache copiedPrefix(NDManager m, int b) {
        KvCache cache = new KvCache(model.config().numLayers());
        for (int l = 0; l < model.config().numLayers(); l++) {
            NDArray[] kv = prefix.layer(l, prefixTokens, m);
            cache.append(l, kv[0].repeat(0, b), kv[1].repeat(0, b));
        }
        cache.setMask(m.ones(new Shape(b, prefixTokens), DataType.INT64));
        cache.advance(prefixTokens);
        return cache;
    }

    private void decodeStep(NDManager arrays, SlotKvCache slot) {
        int n = rows + 1;
        try (NDManager step = arrays.newSubManager()) {
            slot.beginStep(step, 1);
            Shape shape = new Shape(n, 1);
            long[] next = new long[n];
            for (int i = 0; i < n; i++) next[i] = 3 + rnd.nextInt(model.config().vocabSize() - 3);
            lastLogits(step.create(next, shape), step.ones(shape, DataType.INT64), slot);
        }
    }

    /** As the engine runs a pass: the layers, then the head on each row's last position only. */
    private float[] lastLogits(NDArray ids, NDArray mask, KvCache cache) {
        NDArray h = model.hidden(ids.getManager(), ids, mask, cache);
        return model.head(h.get(":, -1:, :")).toFloatArray();
    }

    private long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = 3 + rnd.nextInt(model.config().vocabSize() - 3);
        return ids;
    }
}
