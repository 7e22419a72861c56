package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Collection;

/** Whole-model gradient operations that DJL lacks: torch's global-norm clipping, zeroing. */
public final class Gradients {
    private Gradients() {}

    /** L2 norm over all gradients together (each tensor once), computed in float32 with one host sync. */
    public static double globalNorm(Collection<NDArray> grads) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList sq = new NDList(grads.size());
            for (NDArray g : grads) {
                try (NDArray squares = g.square()) { // freed at once: a whole model's squares would double the memory
                    sq.add(squares.sum());
                }
            }
            return Math.sqrt(NDArrays.stack(sq).sum().toType(DataType.FLOAT64, false).getDouble());
        }
    }

    /**
     * torch.nn.utils.clip_grad_norm_: scales every gradient by min(1, max/(norm + 1e-6)) in place and returns the
     * norm before clipping. A non-positive {@code maxNorm} only measures.
     */
    public static double clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
        double norm = globalNorm(grads);
        clip(grads, maxNorm, norm);
        return norm;
    }

    /** The scaling step of {@link #clipGlobalNorm} for an already measured norm. */
    public static void clip(Collection<NDArray> grads, double maxNorm, double norm) {
        if (maxNorm <= 0) return;
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) for (NDArray g : grads) g.muli((float) coef);
    }

    /** Sets the accumulated .grad of each parameter to zero. */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) JniUtils.zeroGrad((PtNDArray) p);
    }
}
