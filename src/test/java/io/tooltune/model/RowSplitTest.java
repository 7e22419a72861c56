package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RowSplitTest {
    /** In a batch-1 step a large product is split over two threads and equals the plain product; elsewhere it is not split. */
    @Test
    void splitProductEqualsThePlainOneAndOnlyInABatch1Step() {
        assumeTrue(PassThreads.configured() > 1, "libtorch is configured with one intra-op thread here: nothing is split");
        try (NDManager m = NDManager.newBaseManager(); GradMode.Scope s = GradMode.noGrad()) {
            NDArray w = m.randomNormal(new Shape(1025, 512));
            NDArray b = m.randomNormal(new Shape(1025));
            NDArray x = m.randomNormal(new Shape(1, 1, 512));
            PassThreads.forPass(1);
            assertTrue(RowSplit.applies(x, w), "one row, a narrowed pass, a large weight");
            NDArray split = RowSplit.linear(x, w, b);
            NDArray plain = Linear.linear(x, w, b).singletonOrThrow();
            assertEquals(plain.getShape(), split.getShape());
            assertArrayEquals(plain.toFloatArray(), split.toFloatArray(), 1e-4f);
            assertArrayEquals(Linear.linear(x, w, null).singletonOrThrow().toFloatArray(),
                    RowSplit.linear(x, w, null).toFloatArray(), 1e-4f);
            assertFalse(RowSplit.applies(m.randomNormal(new Shape(1, 2, 512)), w), "two rows");
            assertFalse(RowSplit.applies(x, m.randomNormal(new Shape(64, 512))), "a small weight");
            PassThreads.forPass(8);
            assertFalse(RowSplit.applies(x, w), "a pass on every configured thread");
        }
    }
}
