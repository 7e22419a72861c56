package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Collection;

/** Whole-model gradient operations that DJL lacks: torch's global norm and clipping factor, zeroing. */
public final class Gradients {
    private Gradients() {}

    /** L2 norm over all gradients together (each tensor's norm in float32, combined in float64), with one host sync. */
    public static double globalNorm(Collection<NDArray> grads) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList norms = new NDList(grads.size());
            for (NDArray g : grads) norms.add(g.norm()); // one read of each gradient, no squared copy
            return NDArrays.stack(norms).toType(DataType.FLOAT64, false).norm().getDouble();
        }
    }

    /**
     * torch.nn.utils.clip_grad_norm_'s factor for gradients of global norm {@code norm}: min(1, max/(norm + 1e-6));
     * 1 when {@code maxNorm} is not positive (no clipping).
     */
    public static double clipCoefficient(double maxNorm, double norm) {
        return maxNorm <= 0 ? 1.0 : Math.min(1.0, maxNorm / (norm + 1e-6));
    }

    /** Sets the accumulated .grad of each parameter to zero. */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) JniUtils.zeroGrad((PtNDArray) p);
    }
}
