package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in transformers' rotate-half layout: the two halves of a head, not interleaved pairs,
 * are rotated together, {@code x·cos + rotate_half(x)·sin} with {@code rotate_half(x) = [-x2, x1]}.
 */
public final class RotaryEmbedding {
    private final float[] inverseFrequencies;

    public RotaryEmbedding(RopeScaling scaling, int headDim) {
        this.inverseFrequencies = scaling.inverseFrequencies(headDim);
    }

    /** cos and sin {@code [B,1,T,headDim]} for the positions {@code [B*T]} (row-major), float32 as transformers. */
    public Tables tables(NDManager manager, long[] positions, int batch, int length, DataType type) {
        int half = inverseFrequencies.length;
        int dim = 2 * half;
        float[] cos = new float[positions.length * dim];
        float[] sin = new float[positions.length * dim];
        for (int p = 0; p < positions.length; p++) {
            float position = positions[p];
            for (int i = 0; i < half; i++) {
                float angle = inverseFrequencies[i] * position;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * dim + i] = cos[p * dim + half + i] = c;
                sin[p * dim + i] = sin[p * dim + half + i] = s;
            }
        }
        Shape shape = new Shape(batch, 1, length, dim);
        NDArray c = manager.create(cos, shape);
        NDArray s = manager.create(sin, shape);
        if (type != DataType.FLOAT32) {
            c = c.toType(type, false);
            s = s.toType(type, false);
        }
        return new Tables(c, s);
    }

    /** The cos and sin of one batch's positions. */
    public record Tables(NDArray cos, NDArray sin) {
        /** Rotates {@code x [B,heads,T,headDim]}. */
        public NDArray apply(NDArray x) {
            long half = x.getShape().get(3) / 2;
            NDArray first = x.get(":, :, :, :" + half);
            NDArray second = x.get(":, :, :, " + half + ":");
            NDArray rotated = NDArrays.concat(new NDList(second.neg(), first), -1);
            return x.mul(cos).add(rotated.mul(sin));
        }
    }
}
