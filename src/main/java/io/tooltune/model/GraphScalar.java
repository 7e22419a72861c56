package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for operations that autograd records. DJL's {@code mul(Number)} makes the scalar from a Java buffer and
 * closes it at once, but the backward of a product reads that scalar again; by then the garbage collector may have
 * freed the buffer and its memory may hold anything, giving wrong or NaN gradients. A scalar that PyTorch allocates
 * itself stays alive for as long as the graph holds it.
 */
public final class GraphScalar {
    private GraphScalar() {}

    /** {@code value} as a 0-d array of {@code like}'s type, owned by PyTorch, in {@code like}'s manager. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
