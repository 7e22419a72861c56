package io.tooltune.model.opt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tooltune.model.KvCache;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptModelTest {
    /** opt-350m's layout (post-norm, projected embeddings) and the pre-norm one, small and without dropout. */
    private static final OptConfig POST = OptConfig.builder().vocabSize(300).hiddenSize(32).ffnDim(64).numLayers(2)
            .numHeads(4).wordEmbedProjDim(16).maxPositionEmbeddings(64).doLayerNormBefore(false).dropout(0.0).build();
    private static final OptConfig PRE = POST.toBuilder().wordEmbedProjDim(32).doLayerNormBefore(true).build();

    /** Prefill of a left-padded prefix, then one token at a time through the cache, equals one full forward pass. */
    @Test
    void cachedDecodingEqualsFullForward() {
        for (OptConfig c : new OptConfig[] {POST, PRE}) {
            try (OptModel model = OptModel.random(c, 3); NDManager m = model.manager().newSubManager()) {
                long[] ids = {1, 1, 2, 50, 60, 70, 80, 90, 2, 11, 12, 13, 14, 15, 16, 17};
                long[] mask = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
                float[] full = model.forward(m.create(ids, new Shape(2, 8)), m.create(mask, new Shape(2, 8)), null, false).toFloatArray();
                int v = c.vocabSize();
                try (KvCache cache = new KvCache(c.numLayers())) {
                    NDArray prefix = model.forward(m.create(new long[] {1, 1, 2, 50, 2, 11, 12, 13}, new Shape(2, 4)),
                            m.create(new long[] {0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 4)), cache, false);
                    float[] p = prefix.toFloatArray();
                    for (int r = 0; r < 2; r++) {
                        for (int pos = 2; pos < 4; pos++) {
                            assertClose(full, (r * 8 + pos) * v, p, (r * 4 + pos) * v, v);
                        }
                    }
                    for (int step = 4; step < 8; step++) {
                        float[] got = model.forward(m.create(new long[] {ids[step], ids[8 + step]}, new Shape(2, 1)),
                                m.create(new long[] {1, 1}, new Shape(2, 1)), cache, false).toFloatArray();
                        assertEquals(step + 1, cache.length());
                        for (int r = 0; r < 2; r++) assertClose(full, (r * 8 + step) * v, got, r * v, v);
                    }
                }
            }
        }
    }

    /** Left padding only shifts the positions: a padded row gives the same logits as the row alone. */
    @Test
    void leftPaddingDoesNotChangeLogits() {
        try (OptModel model = OptModel.random(POST, 4); NDManager m = model.manager().newSubManager()) {
            float[] alone = model.forward(m.create(new long[] {2, 7, 8, 9}, new Shape(1, 4)),
                    m.create(new long[] {1, 1, 1, 1}, new Shape(1, 4)), null, false).toFloatArray();
            float[] padded = model.forward(m.create(new long[] {1, 1, 2, 7, 8, 9}, new Shape(1, 6)),
                    m.create(new long[] {0, 0, 1, 1, 1, 1}, new Shape(1, 6)), null, false).toFloatArray();
            int v = POST.vocabSize();
            assertClose(alone, 0, padded, 2 * v, 4 * v);
        }
    }

    /** As nn.Embedding(padding_idx): the lookup gives the pad row no gradient; the tied head still does. */
    @Test
    void padRowGetsNoLookupGradient() {
        OptConfig c = OptConfig.builder().vocabSize(50).hiddenSize(16).ffnDim(32).numLayers(1).numHeads(2)
                .maxPositionEmbeddings(32).dropout(0.0).build();
        try (OptModel model = OptModel.random(c, 5); NDManager m = model.manager().newSubManager()) {
            NDArray table = model.parameters().get(OptModel.PREFIX + "embed_tokens.weight");
            NDArray positions = model.parameters().get(OptModel.PREFIX + "embed_positions.weight");
            table.setRequiresGradient(true);
            positions.setRequiresGradient(true);
            NDArray ids = m.create(new long[] {2, 5, 1, 1, 9, 1}, new Shape(1, 6));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1}, new Shape(1, 6));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                CausalLMHidden.sum(model, ids, mask, gc);
            }
            float[] grad = table.getGradient().toFloatArray();
            for (int j = 0; j < 16; j++) assertEquals(0f, grad[16 + j], "pad row, column " + j);
            float[] g5 = new float[16];
            System.arraycopy(grad, 5 * 16, g5, 0, 16);
            assertTrue(norm(g5) > 0, "a real token's row gets a gradient");
            table.setRequiresGradient(false);
            positions.setRequiresGradient(false);
        }
    }

    /**
     * Gradients do not depend on what the garbage collector does between forward and backward. Arrays DJL makes
     * from Java data (scalars of {@code mul(Number)}, index arrays) free their memory once closed and collected, while
     * the recorded graph may still read them; here every collected buffer's memory is reused by garbage before
     * backward, so a graph that kept such an array would give different gradients.
     */
    @Test
    void gradientsSurviveAGarbageCollectionBeforeBackward() throws InterruptedException {
        float[][] quiet = gradients(false);
        float[][] collected = gradients(true);
        for (int i = 0; i < quiet.length; i++) assertArrayEquals(quiet[i], collected[i], 0f, "parameter " + i);
    }

    private static float[][] gradients(boolean collectFirst) throws InterruptedException {
        try (OptModel model = OptModel.random(PRE, 6); NDManager m = model.manager().newSubManager()) {
            var params = model.parameters().values().toArray(new NDArray[0]);
            for (NDArray p : params) p.setRequiresGradient(true);
            NDArray ids = m.create(new long[] {2, 5, 7, 9, 11, 2, 13, 1}, new Shape(2, 4));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.forward(ids, mask, null, true).logSoftmax(-1).sum();
                if (collectFirst) {
                    List<ByteBuffer> reuse = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        System.gc();
                        Thread.sleep(20);
                        for (int i = 0; i < 4000; i++) {
                            ByteBuffer b = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
                            for (int j = 0; j < 64; j += 8) b.putLong(j, 0x7FF8_0000_7FC0_0000L);
                            reuse.add(b);
                        }
                    }
                }
                gc.backward(loss);
            }
            float[][] out = new float[params.length][];
            for (int i = 0; i < params.length; i++) {
                out[i] = params[i].getGradient().toFloatArray();
                params[i].setRequiresGradient(false);
            }
            return out;
        }
    }

    /** Backward through the last hidden state only (no head), so the pad row's gradient is the lookup's alone. */
    private static final class CausalLMHidden {
        static void sum(OptModel model, NDArray ids, NDArray mask, GradientCollector gc) {
            var e = model.embed(ids, mask, null);
            NDArray h = e.hidden();
            for (int i = 0; i < model.config().numLayers(); i++) h = model.layer(i, h, e.attentionBias(), null, true);
            gc.backward(h.square().sum());
        }
    }

    @Test
    void randomFollowsTransformersInit() {
        try (OptModel model = OptModel.random(POST, 9)) {
            float[] table = model.parameters().get(OptModel.PREFIX + "embed_tokens.weight").toFloatArray();
            for (int j = 0; j < 16; j++) assertEquals(0f, table[16 + j]);
            double sq = 0;
            for (float x : table) sq += x * x;
            assertEquals(0.02, Math.sqrt(sq / (table.length - 16)), 0.002);
            assertArrayEquals(new float[32], model.parameters().get(OptModel.PREFIX + "layers.0.fc2.bias").toFloatArray());
            float[] ln = model.parameters().get(OptModel.PREFIX + "layers.1.final_layer_norm.weight").toFloatArray();
            for (float x : ln) assertEquals(1f, x);
            assertEquals(OptModel.shapes(POST).keySet(), model.parameters().keySet());
        }
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) s += v * v;
        return Math.sqrt(s);
    }

    private static void assertClose(float[] want, int wantAt, float[] got, int gotAt, int n) {
        for (int j = 0; j < n; j++) assertEquals(want[wantAt + j], got[gotAt + j], 2e-5, "element " + j);
    }
}
