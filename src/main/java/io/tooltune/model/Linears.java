package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

import java.util.List;

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

    /** Module {@code module} with {@code weight} and {@code bias} (may be null) on {@code x}. */
    public NDArray apply(NDArray x, String module, NDArray weight, NDArray bias, boolean training) {
        NDArray y = Linear.linear(x, weight, bias).singletonOrThrow();
        return adapter == null ? y : adapter.addTo(y, x, module, training);
    }
}
