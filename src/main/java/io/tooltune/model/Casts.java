package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A dtype cast that autograd follows. DJL's {@code toType} runs under a no-grad guard, so a half-precision forward
 * that widens to float32 (RMSNorm, softmax) and narrows back would cut the graph there. torch's
 * {@code cumprod(dim, dtype)} casts its input first and its backward returns the gradient in the input's type; over
 * an axis of length one it is the identity, hence a differentiable cast.
 */
public final class Casts {
    private Casts() {}

    /**
     * {@code x} as {@code type}; differentiable while autograd records (DJL's {@code hasGradient} is false on
     * intermediate results even inside a graph, so the grad mode decides), a plain cast otherwise.
     */
    public static NDArray to(NDArray x, DataType type) {
        if (x.getDataType() == type) return x;
        if (!JniUtils.isGradMode()) return x.toType(type, false);
        return x.expandDims(-1).cumProd(-1, type).squeeze(-1);
    }
}
