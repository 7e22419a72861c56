package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Rotary position embeddings in transformers' rotate-half layout: the two halves of a head, not interleaved pairs,
 * are rotated together, {@code x·cos + rotate_half(x)·sin} with {@code rotate_half(x) = [-x2, x1]}.
 *
 * <p>The cos and sin of every position up to the longest seen so far are kept on the model's device (one table
 * each, grown by doubling), so a forward pass only gathers its positions' rows instead of computing and copying
 * them from Java. The sin table holds {@code [-sin, sin]} so that the rotation is a swap of the halves times it.
 */
public final class RotaryEmbedding {
    private static final int MIN_ROWS = 256;
    private final float[] inverseFrequencies;
    private final NDManager owner;
    private NDArray cosTable;
    private NDArray signedSinTable;

    /** @param owner the manager (and so the device) that keeps the tables: the model's */
    public RotaryEmbedding(RopeScaling scaling, int headDim, NDManager owner) {
        this.inverseFrequencies = scaling.inverseFrequencies(headDim);
        this.owner = owner;
    }

    /** cos and sin {@code [B,1,T,headDim]} for the positions {@code [B*T]} (row-major), float32 as transformers. */
    public Tables tables(NDManager manager, long[] positions, int batch, int length, DataType type) {
        long last = 0;
        for (long p : positions) last = Math.max(last, p);
        NDArray[] cosSin = rows(last + 1);
        Shape shape = new Shape(batch, 1, length, 2L * inverseFrequencies.length);
        try (NDArray index = manager.create(positions)) {
            NDArray c = Embedding.embedding(index, cosSin[0], SparseFormat.DENSE).singletonOrThrow().reshape(shape);
            NDArray s = Embedding.embedding(index, cosSin[1], SparseFormat.DENSE).singletonOrThrow().reshape(shape);
            if (type != DataType.FLOAT32) {
                c = c.toType(type, false);
                s = s.toType(type, false);
            }
            return new Tables(c, s);
        }
    }

    /** The tables, covering at least {@code count} positions. */
    private synchronized NDArray[] rows(long count) {
        if (cosTable == null || cosTable.getShape().get(0) < count) {
            long have = cosTable == null ? 0 : cosTable.getShape().get(0);
            int n = Math.toIntExact(Math.max(count, Math.max(MIN_ROWS, 2 * have)));
            int half = inverseFrequencies.length;
            int dim = 2 * half;
            float[] cos = new float[n * dim];
            float[] sin = new float[n * dim];
            for (int p = 0; p < n; p++) {
                float position = p;
                for (int i = 0; i < half; i++) {
                    float angle = inverseFrequencies[i] * position;
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[p * dim + i] = cos[p * dim + half + i] = c;
                    sin[p * dim + i] = -s;
                    sin[p * dim + half + i] = s;
                }
            }
            if (cosTable != null) {
                cosTable.close();
                signedSinTable.close();
            }
            cosTable = owner.create(cos, new Shape(n, dim));
            signedSinTable = owner.create(sin, new Shape(n, dim));
            // kept across passes: an NDScope open around this pass (the trainer's) must not close them
            NDScope.unregister(cosTable, signedSinTable);
        }
        return new NDArray[] {cosTable, signedSinTable};
    }

    /** The cos and the signed sin ({@code [-sin, sin]} by halves) of one batch's positions. */
    public record Tables(NDArray cos, NDArray signedSin) {
        /** Rotates {@code x [B,heads,T,headDim]}: {@code x·cos + [x2, x1]·[-sin, sin]}, which is rotate_half's. */
        public NDArray apply(NDArray x) {
            NDList halves = x.split(2, 3);
            NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), -1);
            return x.mul(cos).add(swapped.mul(signedSin));
        }
    }
}
