package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.List;
import java.util.Map;

/**
 * A model's Linear modules, applied by Hugging Face module path so that an attached {@link LoraAdapter} adds its
 * update to the modules it targets; without an adapter this is a plain {@code x·Wᵀ + b}.
 */
public final class Linears {
    private final List<String> modules;
    private LoraAdapter adapter;

    /** @param modules the model's Linear module paths that an adapter may target (no output head) */
    public Linears(List<String> modules) {
        this.modules = List.copyOf(modules);
    }

    public List<String> modules() {
        return modules;
    }

    /** The attached adapter, or null. */
    public LoraAdapter adapter() {
        return adapter;
    }

    /** Attaches {@code a} (null detaches); the caller keeps owning it. */
    public void attach(LoraAdapter a) {
        adapter = a;
    }

    /**
     * Stores the weight of every Linear module of {@code model} as {@code type}, in place (a frozen LoRA base kept
     * in half precision). Biases, norms, embeddings and the head keep their type.
     */
    public static void storeWeightsAs(CausalLM model, DataType type) {
        Map<String, NDArray> params = model.parameters();
        for (String m : model.linears().modules()) {
            NDArray w = params.get(m + ".weight");
            if (w == null || w.getDataType() == type) continue;
            params.put(m + ".weight", w.toType(type, true));
            w.close();
        }
        // weights made from Java data sit in direct buffers that only a collection returns to the system: without
        // one the float32 originals stay resident next to their half copies
        System.gc();
    }

    /**
     * Module {@code module} with {@code weight} and {@code bias} (may be null) on {@code x}. A weight stored in
     * another type than {@code x} (a half-precision frozen base) is widened for this product only; the cast records
     * no gradient, which a frozen weight does not need.
     */
    public NDArray apply(NDArray x, String module, NDArray weight, NDArray bias, boolean training) {
        if (weight.getDataType() != x.getDataType()) weight = weight.toType(x.getDataType(), false);
        NDArray y = RowSplit.linear(x, weight, bias);
        return adapter == null ? y : adapter.addTo(y, x, module, training);
    }
}
