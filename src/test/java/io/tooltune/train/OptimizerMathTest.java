package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW + global-norm clipping against torch.optim.AdamW / clip_grad_norm_ (torch 1.13, values recorded). */
class OptimizerMathTest {

    @Test
    void adamWWithClippingMatchesTorch() {
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray w = mgr.create(new float[] {0.5f, -1f, 2f, 0.1f, 0f, -0.3f}, new Shape(2, 3));
            NDArray b = mgr.create(new float[] {0.2f, -0.4f, 0f});
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("model.decoder.layers.0.fc1.weight", w);
            params.put("model.decoder.layers.0.fc1.bias", b);
            AdamW opt = new AdamW(mgr, params, 0.9, 0.999, 1e-8, 0.1);
            float[][][] grads = {
                    {{1f, -2f, 0.5f, 0f, 3f, -1f}, {0.1f, 0.2f, -0.3f}},
                    {{-0.5f, 1f, 0.25f, 2f, -1f, 0f}, {0f, -0.2f, 0.6f}},
                    {{0.3f, 0.3f, -0.3f, 1f, 1f, 1f}, {1f, 1f, -1f}}};
            double[] lrs = {0.0, 0.05, 0.025};
            double[] norms = {3.923009157180786, 2.5908491611480713, 2.5039966106414795};
            for (int s = 0; s < 3; s++) {
                Map<String, NDArray> g = new LinkedHashMap<>();
                g.put("model.decoder.layers.0.fc1.weight", mgr.create(grads[s][0], new Shape(2, 3)));
                g.put("model.decoder.layers.0.fc1.bias", mgr.create(grads[s][1]));
                double norm = Gradients.globalNorm(g.values());
                assertEquals(norms[s], norm, 1e-5);
                opt.step(params, g, lrs[s], Gradients.clipCoefficient(2.0, norm));
            }
            assertArrayEquals(new float[] {0.48488345742225647f, -0.9896149039268494f, 1.9303553104400635f,
                    0.0420251190662384f, -0.024455277249217033f, -0.2708383798599243f}, w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.14973512291908264f, -0.40186578035354614f, -0.016200043261051178f},
                    b.toFloatArray(), 1e-6f);
            assertEquals(3, opt.stepCount());
        }
    }

    @Test
    void decayGroupsFollowTransformers() {
        assertTrue(AdamW.decays("model.decoder.embed_tokens.weight"));
        assertTrue(AdamW.decays("model.decoder.embed_positions.weight"));
        assertTrue(AdamW.decays("model.decoder.project_in.weight"));
        assertTrue(AdamW.decays("model.decoder.layers.3.self_attn.q_proj.weight"));
        assertFalse(AdamW.decays("model.decoder.layers.3.self_attn.q_proj.bias"));
        assertFalse(AdamW.decays("model.decoder.layers.3.self_attn_layer_norm.weight"));
        assertFalse(AdamW.decays("model.decoder.final_layer_norm.weight"));
    }

    @Test
    void scheduleIsShiftedByOneAsTransformers() {
        SftConfig paper = SftConfig.paper();
        long total = paper.totalSteps(187_542);
        assertEquals(5860, paper.stepsPerEpoch(187_542));
        assertEquals(5860, total);
        LrSchedule lin = LrSchedule.LINEAR;
        assertEquals(0.0, 5e-5 * lin.factor(0, 100, total));
        assertEquals(5e-7, 5e-5 * lin.factor(1, 100, total), 1e-15);
        assertEquals(5e-5, 5e-5 * lin.factor(100, 100, total), 1e-15);
        assertEquals(8.68e-9, 5e-5 * lin.factor(5859, 100, total), 1e-11);
        assertEquals(1.0, LrSchedule.CONSTANT.factor(500, 100, total));
        assertEquals(0.5, LrSchedule.COSINE.factor(100 + 2880, 100, total), 1e-12);
        assertEquals(0.0, LrSchedule.COSINE.factor(total, 100, total), 1e-12);
    }

    @Test
    void lossScalerBacksOffAndGrows() {
        LossScaler s = new LossScaler(LossScaler.INITIAL, 0);
        s.update(true);
        assertEquals(32768.0, s.scale());
        for (int i = 0; i < 1999; i++) s.update(false);
        assertEquals(32768.0, s.scale());
        s.update(false);
        assertEquals(65536.0, s.scale());
        assertEquals(0, s.cleanSteps());
    }

    @Test
    void collateShiftsLabelsAndPadsRight() {
        List<SftExample> data = List.of(
                new SftExample("a", new int[] {2, 10, 11, 12}, new int[] {-100, -100, 11, 12}),
                new SftExample("b", new int[] {2, 20}, new int[] {-100, 20}));
        BatchPlan.Batch b = BatchPlan.collate(data, new int[] {0, 1}, 1);
        assertEquals(4, b.cols());
        assertArrayEquals(new long[] {2, 10, 11, 12, 2, 20, 1, 1}, b.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, b.mask());
        assertArrayEquals(new long[] {0, 11, 12, 0, 20, 0, 0, 0}, b.targets());
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0, 0, 0}, b.weights());
        assertEquals(3, b.labelTokens());
        assertEquals(6, b.tokens());
    }
}
