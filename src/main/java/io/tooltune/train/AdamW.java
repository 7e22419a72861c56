package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * torch.optim.AdamW: decoupled weight decay applied before the moment updates, bias corrections on the step
 * size and on sqrt(v), eps added after the correction. DJL's AdamW folds the corrections differently and has one
 * decay for all parameters, hence this class. Moments are float32 and created up front in the given manager, so
 * a per-step NDScope cannot close them.
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

    /** Updates every parameter in place with its gradient, at learning rate {@code lr}. */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / bc1;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = grads.get(name);
                NDArray mm = m.get(name);
                NDArray vv = v.get(name);
                if (decays.get(name) && weightDecay != 0 && lr != 0) p.muli(1 - lr * weightDecay);
                mm.muli(beta1).addi(g.mul(1 - beta1));
                vv.muli(beta2).addi(g.mul(g).muli(1 - beta2));
                NDArray denom = vv.sqrt().divi(bc2Sqrt).addi(eps);
                p.subi(mm.div(denom).muli(stepSize));
            }
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
