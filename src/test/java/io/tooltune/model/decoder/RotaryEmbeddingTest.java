package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RotaryEmbeddingTest {
    @Test
    void rotatesHalvesAsTransformersAtPositionsPastTheFirstTable() {
        int dim = 8;
        RopeScaling rope = new RopeScaling(10000.0, RopeScaling.DEFAULT, 1, 0, 0, 0);
        float[] inv = rope.inverseFrequencies(dim);
        try (NDManager m = NDManager.newBaseManager()) {
            RotaryEmbedding r = new RotaryEmbedding(rope, dim, m);
            long[] first = {0, 3};
            long[] later = {700, 5}; // beyond the first table's rows: the tables grow
            float[] x = {1, 2, 3, 4, 5, 6, 7, 8, -1, 0.5f, 2, -3, 4, 0, 1, 9};
            NDArray input = m.create(x, new Shape(1, 1, 2, dim));
            r.tables(m, first, 1, 2, DataType.FLOAT32).apply(input);
            float[] got = r.tables(m, later, 1, 2, DataType.FLOAT32).apply(input).toFloatArray();
            float[] want = new float[x.length];
            int half = dim / 2;
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < dim; i++) {
                    float angle = inv[i % half] * later[p];
                    float rotated = i < half ? -x[p * dim + i + half] : x[p * dim + i - half];
                    want[p * dim + i] = x[p * dim + i] * (float) Math.cos(angle) + rotated * (float) Math.sin(angle);
                }
            }
            assertArrayEquals(want, got, 1e-5f);
        }
    }
}
