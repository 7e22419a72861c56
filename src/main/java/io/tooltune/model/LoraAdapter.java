package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import io.tooltune.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA matrices for some of a model's Linear modules, as PEFT's {@code tuners/lora/layer.py}: module {@code m}
 * with weight {@code W [out,in]} gets {@code A [r,in]} and {@code B [out,r]}, and its output becomes
 * {@code W·x + b + B·A·dropout(x) · scaling}. Parameters are named with PEFT's saved keys
 * ({@code base_model.model.<module>.lora_A.weight}), which is also how the optimizer and checkpoints name them.
 */
public final class LoraAdapter implements AutoCloseable {
    private static final String PREFIX = "base_model.model.";

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final float scaling;
    /** The scaling as an array autograd may keep (see GraphScalar). */
    private final NDArray scale;

    private LoraAdapter(LoraConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.scaling = (float) config.scaling();
        this.scale = GraphScalar.of(params.values().iterator().next(), scaling);
    }

    /** PEFT's key of module {@code module}'s A ({@code a}) or B matrix. */
    public static String key(String module, boolean a) {
        return PREFIX + module + (a ? ".lora_A.weight" : ".lora_B.weight");
    }

    /** The modules of {@code model} that {@code config} targets; none is bad input listing the Linear modules. */
    public static List<String> targetedModules(CausalLM model, LoraConfig config) {
        List<String> out = new ArrayList<>();
        for (String m : model.linears().modules()) if (config.targets(m)) out.add(m);
        if (out.isEmpty()) {
            throw new BadInputException("LoRA target modules " + (config.targetRegex() != null ? config.targetRegex()
                    : String.join(",", config.targetModules())) + " match none of the model's Linear modules: "
                    + String.join(", ", model.linears().modules()));
        }
        return out;
    }

    /**
     * A fresh adapter as PEFT initialises one: A ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5), B = 0, drawn
     * from {@code seed}, in float32 on the model's device.
     */
    public static LoraAdapter initialize(CausalLM model, LoraConfig config, long seed) {
        SplittableRandom rnd = Seeds.weights(seed);
        NDManager mgr = model.manager().newSubManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (String m : targetedModules(model, config)) {
            Shape w = model.parameters().get(m + ".weight").getShape();
            int in = Math.toIntExact(w.get(1));
            float[] a = new float[config.r() * in];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            p.put(key(m, true), mgr.create(a, new Shape(config.r(), in)));
            p.put(key(m, false), mgr.zeros(new Shape(w.get(0), config.r()), DataType.FLOAT32));
        }
        return new LoraAdapter(config, mgr, p);
    }

    /**
     * An adapter over saved matrices (PEFT keys to row-major float32 data), checked against the model: every
     * targeted module needs both matrices with shapes fitting its weight; the first that does not is bad input.
     */
    public static LoraAdapter of(CausalLM model, LoraConfig config, Map<String, float[]> data,
                                 Map<String, long[]> shapes, String source) {
        NDManager mgr = model.manager().newSubManager();
        try {
            Map<String, NDArray> p = new LinkedHashMap<>();
            for (String m : targetedModules(model, config)) {
                Shape w = model.parameters().get(m + ".weight").getShape();
                for (boolean a : new boolean[] {true, false}) {
                    String k = key(m, a);
                    Shape want = a ? new Shape(config.r(), w.get(1)) : new Shape(w.get(0), config.r());
                    if (!data.containsKey(k)) throw new BadInputException(source + ": missing tensor " + k);
                    Shape got = new Shape(shapes.get(k));
                    if (!got.equals(want)) {
                        throw new BadInputException(source + ": " + k + " has shape " + got + " but the model's " + m
                                + ".weight " + w + " needs " + want);
                    }
                    p.put(k, mgr.create(data.get(k), want));
                }
            }
            for (String k : data.keySet()) {
                if (!p.containsKey(k)) throw new BadInputException(source + ": tensor " + k + " matches no targeted Linear module of the model");
            }
            return new LoraAdapter(config, mgr, p);
        } catch (RuntimeException e) {
            mgr.close();
            throw e;
        }
    }

    /** A copy with every matrix converted to {@code type}, in its own manager (the FP16 trainer's working copy). */
    public LoraAdapter copyAs(DataType type) {
        ParameterCopy c = ParameterCopy.of(params, Device.of(manager), type);
        return new LoraAdapter(config, c.manager(), c.parameters());
    }

    public LoraConfig config() {
        return config;
    }

    /** The A and B matrices by PEFT key, in module order (A before B). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** {@code y} (the base Linear's output on {@code x}) plus this adapter's update when it targets {@code module}. */
    NDArray addTo(NDArray y, NDArray x, String module, boolean training) {
        NDArray a = params.get(key(module, true));
        if (a == null) return y;
        NDArray in = Casts.to(x, a.getDataType());
        if (training && config.dropout() > 0) in = Dropout.dropout(in, (float) config.dropout(), true).singletonOrThrow();
        NDArray delta = Linear.linear(Linear.linear(in, a, null).singletonOrThrow(), params.get(key(module, false)), null)
                .singletonOrThrow().mul(scale);
        delta = Casts.to(delta, y.getDataType());
        return y.add(delta);
    }

    /**
     * PEFT's merge_and_unload: adds {@code (B·A)·scaling} to each targeted weight of {@code model} in place
     * (computed in float32, stored in the weight's type) and detaches the adapter.
     */
    public void mergeInto(CausalLM model) {
        try (GradMode.Scope noGrad = GradMode.noGrad(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            params.forEach((k, a) -> {
                if (!k.endsWith(".lora_A.weight")) return;
                String module = k.substring(PREFIX.length(), k.length() - ".lora_A.weight".length());
                NDArray w = model.parameters().get(module + ".weight");
                NDArray merged = w.toType(DataType.FLOAT32, true).add(params.get(key(module, false)).matMul(a).mul(scaling));
                w.set(merged.toType(w.getDataType(), false).toByteBuffer());
            });
        }
        if (model.linears().adapter() == this) model.linears().attach(null);
    }

    @Override
    public void close() {
        manager.close();
    }
}
