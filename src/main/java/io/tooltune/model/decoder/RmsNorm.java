package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.tooltune.model.Casts;

/** transformers' LlamaRMSNorm: {@code w * (x / sqrt(mean(x²) + eps))} over the last axis, the variance in float32. */
public final class RmsNorm {
    private RmsNorm() {}

    public static NDArray apply(NDArray x, NDArray weight, float eps) {
        DataType type = x.getDataType();
        NDArray h = Casts.to(x, DataType.FLOAT32);
        NDArray variance = h.mul(h).mean(new int[] {-1}, true);
        NDArray normed = h.div(variance.add(eps).sqrt());
        return Casts.to(normed, type).mul(weight);
    }
}
