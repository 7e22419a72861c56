package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * torch.optim.AdamW: decoupled weight decay applied before the moment updates, bias corrections on the step
 * size and on sqrt(v), eps added after the correction. DJL's Adam optimizer folds the corrections differently
 * and has one decay for all parameters, hence this class, which drives DJL's fused native update kernel with
 * torch's values. Moments are float32 and created up front in the given manager, so a per-step NDScope cannot
 * close them.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private static final Pattern NO_DECAY = Pattern.compile("bias|layernorm|rmsnorm|(?:^|\\.)norm(?:$|\\.)|_norm(?:$|\\.)");
    private final Map<String, Boolean> decays = new LinkedHashMap<>();
    private long step;

    public AdamW(NDManager manager, Map<String, NDArray> params, double beta1, double beta2, double eps,
                 double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
            v.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
            decays.put(name, decays(name));
        });
    }

    /**
     * transformers' Trainer.get_decay_parameter_names: no decay for biases and norm weights (LayerNorm, RMSNorm,
     * {@code model.norm}, Qwen3's {@code q_norm}); everything else (embeddings too) decays.
     */
    public static boolean decays(String name) {
        return !NO_DECAY.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * Updates every parameter in place with its gradient times {@code gradScale} (the clipping coefficient), at
     * learning rate {@code lr}. One fused native update per parameter (DJL's adamUpdate in its AdamW form, which
     * decays by {@code w·lr·wd} before the moments as torch does): torch's bias corrections are folded into its
     * step size and epsilon, {@code lr/bc1 · m / (√v/√bc2 + eps) = (lr·√bc2/bc1) · m / (√v + eps·√bc2)}.
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, double gradScale) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr * bc2Sqrt / bc1);
        float foldedEps = (float) (eps * bc2Sqrt);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            float decay = decays.get(name) ? (float) weightDecay : 0f;
            JniUtils.adamUpdate((PtNDArray) e.getValue(), (PtNDArray) grads.get(name), (PtNDArray) m.get(name),
                    (PtNDArray) v.get(name), (float) lr, stepSize, decay, (float) gradScale, -1f, (float) beta1,
                    (float) beta2, foldedEps, true);
        }
    }

    public long stepCount() {
        return step;
    }

    /** Moments named {@code exp_avg.NAME} / {@code exp_avg_sq.NAME}, for optimizer.safetensors. */
    public NDList state() {
        NDList out = new NDList();
        m.forEach((k, a) -> {
            a.setName("exp_avg." + k);
            out.add(a);
        });
        v.forEach((k, a) -> {
            a.setName("exp_avg_sq." + k);
            out.add(a);
        });
        return out;
    }

    /** Restores moments and the step count saved by {@link #state()}. */
    public void load(List<NDArray> saved, long stepCount) {
        for (NDArray a : saved) {
            String n = a.getName();
            NDArray target = n.startsWith("exp_avg_sq.") ? v.get(n.substring(11))
                    : n.startsWith("exp_avg.") ? m.get(n.substring(8)) : null;
            if (target == null) throw new io.tooltune.BadInputException("optimizer state: unknown entry " + n);
            if (!target.getShape().equals(a.getShape())) {
                throw new io.tooltune.BadInputException("optimizer state: " + n + " has shape " + a.getShape()
                        + ", the model needs " + target.getShape());
            }
            target.set(a.toFloatArray());
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
    }
}
