package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtGradientCollector;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradModeTest {
    /** Inside the scope nothing is recorded, so no gradient reaches the input; closing restores the mode. */
    @Test
    void noGradRecordsNothingAndRestoresTheMode() {
        try (NDManager m = NDManager.newBaseManager(); PtGradientCollector gc = new PtGradientCollector()) {
            assertTrue(JniUtils.isGradMode(), "recording is on by default");
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            NDArray y;
            try (GradMode.Scope s = GradMode.noGrad()) {
                assertFalse(JniUtils.isGradMode());
                y = x.mul(x).sum();
            }
            assertTrue(JniUtils.isGradMode());
            NDArray yy = y;
            assertThrows(RuntimeException.class, () -> gc.backward(yy), "no graph was recorded");
            gc.backward(x.mul(x).sum());
            assertEquals(12f, x.getGradient().sum().getFloat(), 1e-6, "d(sum x²)/dx = 2x");
        }
    }
}
