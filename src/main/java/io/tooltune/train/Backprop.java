package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtGradientCollector;
import io.tooltune.model.CausalLM;
import io.tooltune.model.GradMode;
import io.tooltune.model.GraphScalar;
import io.tooltune.model.Seeds;

/**
 * Forward and backward of one micro-batch, accumulating parameter gradients. With gradient checkpointing the
 * decoder layers first run without a graph, keeping only each layer's input; backward then starts at the head and
 * walks the layers top-down, re-running each one with a graph on a detached copy of its input and feeding it the
 * output gradient saved from the layer above (DJL has no checkpoint API and backward always seeds ones, hence
 * {@code backward(out * g).sum()}). Dropout masks are drawn from a seed fixed per (step, micro-batch, layer), so a
 * recomputed layer sees the same mask and a resumed run the same masks as an uninterrupted one.
 */
final class Backprop {
    private final CausalLM model;
    private final boolean checkpointing;
    private final long seed;
    /** False when only an adapter trains: nothing below the first layer then needs a gradient. */
    private final boolean embeddingsTrained;

    Backprop(CausalLM model, boolean checkpointing, long seed, boolean embeddingsTrained) {
        this.model = model;
        this.checkpointing = checkpointing;
        this.seed = seed;
        this.embeddingsTrained = embeddingsTrained;
    }

    /**
     * Accumulates the gradient of {@code multiplier × (summed token cross-entropy)} of the batch into the model's
     * parameters and returns the summed cross-entropy (NaN or infinite when the loss is).
     */
    double run(BatchPlan.Batch b, double multiplier, long step, int micro) {
        NDManager mgr = model.manager();
        try (NDScope scope = new NDScope(); PtGradientCollector gc = new PtGradientCollector()) {
            scope.suppressNotUsedWarning();
            Shape shape = new Shape(b.rows(), b.cols());
            NDArray ids = mgr.create(b.ids(), shape);
            NDArray mask = mgr.create(b.mask(), shape);
            NDArray targets = mgr.create(b.targets(), new Shape(b.rows(), b.cols(), 1));
            NDArray weights = mgr.create(b.weights(), shape);
            CausalLM.Embedded e = model.embed(ids, mask, null);
            int layers = model.config().numLayers();
            if (!checkpointing) {
                NDArray h = e.hidden();
                for (int i = 0; i < layers; i++) h = layerInItsOwnScope(i, h, e.attentionBias(), step, micro);
                NDArray lossSum = labeledLossSum(h, targets, weights, b);
                double value = lossSum.getFloat();
                if (Double.isFinite(value)) gc.backward(lossSum.mul(GraphScalar.of(lossSum, multiplier)));
                return value;
            }
            NDArray[] inputs = new NDArray[layers];
            NDArray h = e.hidden();
            try (GradMode.Scope noGrad = GradMode.noGrad()) {
                for (int i = 0; i < layers; i++) {
                    inputs[i] = i == 0 ? h.stopGradient() : h;
                    h = layerInItsOwnScope(i, inputs[i], e.attentionBias(), step, micro);
                }
            }
            h.setRequiresGradient(true);
            NDArray lossSum = labeledLossSum(h, targets, weights, b);
            double value = lossSum.getFloat();
            if (!Double.isFinite(value)) return value;
            gc.backward(lossSum.mul(GraphScalar.of(lossSum, multiplier)));
            NDArray g = h.getGradient();
            for (int i = layers - 1; i >= 0; i--) {
                NDArray x = inputs[i];
                x.setRequiresGradient(true);
                NDArray gx;
                try (NDScope layerScope = new NDScope()) {
                    layerScope.suppressNotUsedWarning();
                    seedDropout(step, micro, i);
                    NDArray out = model.layer(i, x, e.attentionBias(), null, true);
                    gc.backward(out.mul(g).sum());
                    gx = x.getGradient();
                    NDScope.unregister(gx);
                }
                NDScope.register(gx);
                g = gx;
            }
            if (embeddingsTrained) gc.backward(e.hidden().mul(g).sum());
            return value;
        }
    }

    /**
     * One decoder layer in its own scope, keeping only its output: the Java handles of its intermediates close when
     * the layer ends, so those that autograd did not save are freed at once (as Python frees them) rather than at the
     * end of the micro-batch, and those it saved live on in the graph until backward has used them. Safe with a
     * graph only because no layer makes an array from Java data that autograd saves: DJL's CPU arrays made from
     * Java data live in Java buffers that closing frees (hence {@link GraphScalar} for scalars that backward reads).
     */
    private NDArray layerInItsOwnScope(int i, NDArray h, NDArray bias, long step, int micro) {
        NDArray out;
        try (NDScope layerScope = new NDScope()) {
            layerScope.suppressNotUsedWarning();
            seedDropout(step, micro, i);
            out = model.layer(i, h, bias, null, true);
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /**
     * The head and the loss on the positions that carry a label only: the others add nothing to the loss or its
     * gradient, and with prompt-masked SFT data they are most of the batch, so the vocabulary projection (the
     * largest matrix product of a small model) runs on a fraction of the tokens.
     */
    private NDArray labeledLossSum(NDArray h, NDArray targets, NDArray weights, BatchPlan.Batch b) {
        if (b.labelTokens() == 0 || b.labelTokens() == (long) b.rows() * b.cols()) {
            return lossSum(model.head(h), targets, weights);
        }
        long n = b.rows() * (long) b.cols();
        NDArray keep = weights.reshape(n).neq(0f);
        NDArray rows = h.reshape(n, h.getShape().get(2)).get(keep).expandDims(0);
        return lossSum(model.head(rows), targets.reshape(n, 1).get(keep).expandDims(0),
                weights.reshape(n).get(keep).expandDims(0));
    }

    /** Summed cross-entropy of the shifted targets, in float32 (half logits are promoted, keeping the graph). */
    static NDArray lossSum(NDArray logits, NDArray targets, NDArray weights) {
        if (logits.getDataType() != DataType.FLOAT32) {
            logits = logits.add(logits.getManager().zeros(new Shape(1), DataType.FLOAT32));
        }
        NDArray picked = logits.logSoftmax(-1).gather(targets, -1).squeeze(-1);
        return picked.mul(weights).sum().neg();
    }

    private void seedDropout(long step, int micro, int layer) {
        Seeds.seedEngine(Seeds.forStream(seed, step, micro, layer));
    }
}
