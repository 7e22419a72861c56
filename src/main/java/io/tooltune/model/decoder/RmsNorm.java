package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** transformers' LlamaRMSNorm: {@code w * (x / sqrt(mean(x²) + eps))} over the last axis, the variance in float32. */
public final class RmsNorm {
    private RmsNorm() {}

    public static NDArray apply(NDArray x, NDArray weight, float eps) {
        DataType type = x.getDataType();
        NDArray h = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = h.mul(h).mean(new int[] {-1}, true);
        NDArray normed = h.div(variance.add(eps).sqrt());
        if (type != DataType.FLOAT32) normed = normed.toType(type, false);
        return normed.mul(weight);
    }
}
