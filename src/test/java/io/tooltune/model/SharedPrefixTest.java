package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Caches that read a shared prefix in place give the logits of full passes over whole prompts (within 1e-4):
 * plain multi-head attention (OPT, both layouts) and grouped-query attention (Llama, Qwen2 with q/k/v biases).
 */
class SharedPrefixTest {
    private static final double TOLERANCE = 1e-4;
    private static final int PREFIX = 40;

    /** Rows prefilled together on a shared prefix (all of it, or its first columns only) match each prompt alone. */
    @ParameterizedTest
    @ValueSource(strings = {"opt/tiny-opt-postnorm", "opt/tiny-opt-prenorm", "llama/tiny-llama", "llama/tiny-qwen2"})
    void aBatchPrefillOnTheSharedPrefixGivesTheLogitsOfWholePrompts(String fixture) {
        try (LoadedModel loaded = ModelFolder.load(Shared.path("fixtures/" + fixture));
             NDManager m = loaded.model().manager().newSubManager()) {
            CausalLM model = loaded.model();
            SplittableRandom rnd = new SplittableRandom(5);
            long[] system = randomIds(rnd, model, PREFIX);
            SharedPrefix prefix = SharedPrefix.compute(model, system);
            try {
                for (int columns : new int[] {PREFIX, PREFIX - 9}) {
                    List<long[]> prompts = new ArrayList<>();
                    for (int tail : new int[] {3, 7, 1, 5}) prompts.add(concat(Arrays.copyOf(system, columns), randomIds(rnd, model, tail)));
                    try (KvCache together = KvCache.startingWith(model.config().numLayers(), prefix, columns, prompts.size(), m)) {
                        float[][] got = prefillTails(model, m, together, prompts, columns);
                        for (int r = 0; r < prompts.size(); r++) {
                            assertClose(alone(model, m, prompts.get(r)), got[r], fixture + ", prefix of " + columns + ", row " + r);
                        }
                    }
                }
            } finally {
                prefix.release();
            }
        }
    }

    /**
     * Decode steps over slot rows: three that read one shared prefix in place, one prompt that does not share it,
     * and one prefilled on another prefix (copied in whole), with a row leaving halfway; every step's logits match
     * a full pass over the row's prompt and tokens so far. The cache lets go of the prefix when its last user leaves.
     */
    @ParameterizedTest
    @ValueSource(strings = {"opt/tiny-opt-prenorm", "llama/tiny-llama", "llama/tiny-qwen2"})
    void slotRowsReadingOneSharedPrefixDecodeAsWholePasses(String fixture) {
        try (LoadedModel loaded = ModelFolder.load(Shared.path("fixtures/" + fixture));
             NDManager m = loaded.model().manager().newSubManager()) {
            CausalLM model = loaded.model();
            int layers = model.config().numLayers();
            SplittableRandom rnd = new SplittableRandom(9);
            long[] system = randomIds(rnd, model, PREFIX);
            long[] otherSystem = randomIds(rnd, model, PREFIX - 4);
            SharedPrefix prefix = SharedPrefix.compute(model, system);
            SharedPrefix other = SharedPrefix.compute(model, otherSystem);
            List<Row> rows = new ArrayList<>();
            try (SlotKvCache slot = new SlotKvCache(m, layers, 5, 8)) {
                List<long[]> sharing = List.of(concat(system, randomIds(rnd, model, 4)), concat(system, randomIds(rnd, model, 9)),
                        concat(Arrays.copyOf(system, PREFIX - 6), randomIds(rnd, model, 2)));
                try (KvCache together = KvCache.startingWith(layers, prefix, PREFIX - 6, 3, m)) {
                    prefillTails(model, m, together, sharing, PREFIX - 6);
                    for (int r = 0; r < 3; r++) slot.addRow(together, r);
                }
                for (long[] p : sharing) rows.add(new Row(p, true));
                long[] unrelated = randomIds(rnd, model, 13);
                try (KvCache own = new KvCache(layers)) {
                    prefillTails(model, m, own, List.of(unrelated), 0);
                    slot.addRow(own, 0);
                }
                rows.add(new Row(unrelated, false));
                long[] onOther = concat(otherSystem, randomIds(rnd, model, 3));
                try (KvCache own = KvCache.startingWith(layers, other, otherSystem.length, 1, m)) {
                    prefillTails(model, m, own, List.of(onOther), otherSystem.length);
                    slot.addRow(own, 0);
                }
                rows.add(new Row(onOther, false));
                other.release();
                assertSame(prefix, slot.sharedPrefix());
                assertEquals(PREFIX, slot.prefixColumns());
                assertEquals(PREFIX + onOther.length, slot.length(),
                        "the prefix once, then a timeline as wide as the row copied in whole (the others hold their tails)");
                for (Row row : rows) row.ids = concat(row.ids, new long[] {argmax(alone(model, m, row.ids))});
                for (int step = 0; step < 6; step++) {
                    if (step == 3) remove(slot, rows, 1);
                    decodeStep(model, m, slot, rows, fixture + ", step " + step);
                }
                for (int r = rows.size() - 1; r >= 0; r--) if (rows.get(r).onPrefix) remove(slot, rows, r);
                assertEquals(2, rows.size());
                assertNull(slot.sharedPrefix(), "no row reads the prefix any more");
                decodeStep(model, m, slot, rows, fixture + ", after the prefix's rows left");
            } finally {
                prefix.release();
            }
            assertThrows(IllegalStateException.class, prefix::retain, "the last holder freed the prefix");
        }
    }

    /** A slot row's tokens: cached ones, then the one the next step feeds; whether it reads the shared prefix. */
    private static final class Row {
        long[] ids;
        final boolean onPrefix;

        Row(long[] ids, boolean onPrefix) {
            this.ids = ids;
            this.onPrefix = onPrefix;
        }
    }

    /** Frees row {@code r}, the last row moving into its place, as the slot cache does. */
    private static void remove(SlotKvCache slot, List<Row> rows, int r) {
        slot.removeRow(r);
        rows.set(r, rows.get(rows.size() - 1));
        rows.remove(rows.size() - 1);
    }

    /** One decode step over every row: each row's logits against a full pass; appends each row's greedy token. */
    private static void decodeStep(CausalLM model, NDManager m, SlotKvCache slot, List<Row> rows, String what) {
        int n = rows.size();
        long[] next = new long[n];
        for (int r = 0; r < n; r++) next[r] = rows.get(r).ids[rows.get(r).ids.length - 1];
        float[] logits;
        try (NDManager step = m.newSubManager()) {
            slot.beginStep(step, 1);
            Shape shape = new Shape(n, 1);
            logits = model.forward(step.create(next, shape), step.ones(shape, DataType.INT64), slot, false).toFloatArray();
        }
        int vocab = logits.length / n;
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r);
            float[] want = alone(model, m, row.ids);
            assertClose(want, Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab), what + ", row " + r);
            row.ids = concat(row.ids, new long[] {argmax(want)});
        }
    }

    /** Prefills what follows each prompt's first {@code skip} tokens as one left-padded batch; each row's last logits. */
    private static float[][] prefillTails(CausalLM model, NDManager m, KvCache cache, List<long[]> prompts, int skip) {
        int b = prompts.size();
        int len = prompts.stream().mapToInt(p -> p.length - skip).max().orElseThrow();
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        Arrays.fill(ids, model.config().padTokenId());
        for (int r = 0; r < b; r++) {
            int n = prompts.get(r).length - skip;
            System.arraycopy(prompts.get(r), skip, ids, r * len + len - n, n);
            Arrays.fill(mask, r * len + len - n, (r + 1) * len, 1);
        }
        Shape shape = new Shape(b, len);
        NDArray logits = model.forward(m.create(ids, shape), m.create(mask, shape), cache, false);
        cache.attachAll(m);
        float[] last = logits.get(":, -1, :").toFloatArray();
        int vocab = last.length / b;
        float[][] rows = new float[b][];
        for (int r = 0; r < b; r++) rows[r] = Arrays.copyOfRange(last, r * vocab, (r + 1) * vocab);
        return rows;
    }

    /** The last logits of a full pass over {@code ids}, without a cache. */
    private static float[] alone(CausalLM model, NDManager m, long[] ids) {
        try (NDManager pass = m.newSubManager()) {
            Shape shape = new Shape(1, ids.length);
            return model.forward(pass.create(ids, shape), pass.ones(shape, DataType.INT64), null, false)
                    .get(":, -1, :").toFloatArray();
        }
    }

    private static long[] randomIds(SplittableRandom rnd, CausalLM model, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = 3 + rnd.nextInt(model.config().vocabSize() - 3);
        return ids;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= TOLERANCE, what + ": logits differ by " + worst);
    }
}
