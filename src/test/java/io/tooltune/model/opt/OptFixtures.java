package io.tooltune.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tooltune.model.CausalLM;
import io.tooltune.model.io.Safetensors;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks a model's logits against a fixture's expected_logits.safetensors (unmasked positions only). */
public final class OptFixtures {
    public static final double TOLERANCE = 1e-4;

    private OptFixtures() {}

    /** Runs the fixture's {@code right_padded} or {@code left_padded} batch and compares; returns positions checked. */
    public static int assertLogitsMatch(CausalLM model, Path fixtureDir, String batch) {
        Map<String, Safetensors.Tensor> ref = Safetensors.read(fixtureDir.resolve("expected_logits.safetensors"));
        Safetensors.Tensor ids = ref.get(batch + ".input_ids");
        float[] mask = ref.get(batch + ".attention_mask").data();
        float[] lse = ref.get(batch + ".logsumexp").data();
        float[] argmax = ref.get(batch + ".argmax").data();
        float[] columns = ref.get(batch + ".columns").data();
        float[] atColumns = ref.get(batch + ".logits_at_columns").data();
        int b = (int) ids.shape()[0];
        int t = (int) ids.shape()[1];
        int v = model.config().vocabSize();
        float[] logits;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray in = m.create(toLongs(ids.data()), new Shape(b, t));
            NDArray am = m.create(toLongs(mask), new Shape(b, t));
            logits = model.forward(in, am, null, false).toFloatArray();
        }
        int checked = 0;
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < t; p++) {
                int pos = r * t + p;
                if (mask[pos] == 0) continue;
                int base = pos * v;
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int j = 0; j < v; j++) {
                    if (logits[base + j] > max) {
                        max = logits[base + j];
                        best = j;
                    }
                }
                double sum = 0;
                for (int j = 0; j < v; j++) sum += Math.exp(logits[base + j] - max);
                String where = batch + " row " + r + " position " + p;
                assertEquals(lse[pos], max + Math.log(sum), TOLERANCE, where + " logsumexp");
                int want = (int) argmax[pos];
                assertTrue(best == want || logits[base + want] >= max - TOLERANCE,
                        where + " argmax " + best + ", expected " + want);
                for (int c = 0; c < columns.length; c++) {
                    assertEquals(atColumns[pos * columns.length + c], logits[base + (int) columns[c]], TOLERANCE,
                            where + " column " + (int) columns[c]);
                }
                checked++;
            }
        }
        return checked;
    }

    public static long[] toLongs(float[] f) {
        long[] out = new long[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (long) f[i];
        return out;
    }
}
