package io.tooltune.model.opt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.KvCache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OPT decoder (pre-norm like opt-125m, or post-norm with embedding projections like opt-350m), inference only:
 * learned positions offset by 2 and computed from the attention mask, ReLU FFN, tied output head.
 */
public final class OptModel implements CausalLM {
    private static final String P = "model.decoder.";
    private final OptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;

    public OptModel(OptConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        for (String name : expectedNames(config)) {
            if (!params.containsKey(name)) throw new BadInputException("OPT checkpoint: missing tensor " + name);
        }
    }

    /** Randomly initialised weights (normal, std 0.02; zero biases; unit layer norms), for benchmarks. */
    public static OptModel random(OptConfig c, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        NDManager m = NDManager.newBaseManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (String name : expectedNames(c)) p.put(name, m.randomNormal(0, 0.02f, shapeOf(c, name), DataType.FLOAT32));
        for (String name : p.keySet()) {
            if (name.endsWith(".bias")) p.get(name).muli(0);
            if (name.contains("layer_norm.weight")) p.get(name).muli(0).addi(1);
        }
        return new OptModel(c, m, p);
    }

    static Iterable<String> expectedNames(OptConfig c) {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(P + "embed_tokens.weight", P + "embed_positions.weight"));
        if (c.wordEmbedProjDim() != c.hiddenSize()) {
            names.add(P + "project_in.weight");
            names.add(P + "project_out.weight");
        }
        if (c.doLayerNormBefore()) {
            names.add(P + "final_layer_norm.weight");
            names.add(P + "final_layer_norm.bias");
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String l = P + "layers." + i + ".";
            for (String lin : java.util.List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "fc1", "fc2",
                    "self_attn_layer_norm", "final_layer_norm")) {
                names.add(l + lin + ".weight");
                names.add(l + lin + ".bias");
            }
        }
        return names;
    }

    private static Shape shapeOf(OptConfig c, String name) {
        int h = c.hiddenSize();
        if (name.endsWith("embed_tokens.weight")) return new Shape(c.vocabSize(), c.wordEmbedProjDim());
        if (name.endsWith("embed_positions.weight")) return new Shape(c.maxPositionEmbeddings() + 2, h);
        if (name.endsWith("project_in.weight")) return new Shape(h, c.wordEmbedProjDim());
        if (name.endsWith("project_out.weight")) return new Shape(c.wordEmbedProjDim(), h);
        if (name.contains("layer_norm")) return new Shape(h);
        if (name.contains(".fc1.")) return name.endsWith("weight") ? new Shape(c.ffnDim(), h) : new Shape(c.ffnDim());
        if (name.contains(".fc2.")) return name.endsWith("weight") ? new Shape(h, c.ffnDim()) : new Shape(h);
        return name.endsWith("weight") ? new Shape(h, h) : new Shape(h);
    }

    @Override
    public OptConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    private NDArray p(String name) {
        return params.get(P + name);
    }

    @Override
    public Embedded embed(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        long b = inputIds.getShape().get(0);
        long t = inputIds.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        NDArray fullMask = attentionMask;
        if (cache != null && cache.mask() != null) fullMask = cache.mask().concat(attentionMask, 1);
        if (cache != null) cache.setMask(fullMask);
        long total = past + t;
        long[] mask = fullMask.toType(DataType.INT64, false).toLongArray();
        long[] positions = new long[(int) (b * t)];
        float[] bias = new float[(int) (b * t * total)];
        for (int i = 0; i < b; i++) {
            long cum = 0;
            for (int j = 0; j < total; j++) {
                long m = mask[(int) (i * total + j)];
                cum += m;
                if (j >= past) positions[(int) (i * t + j - past)] = m == 1 ? cum - 1 + 2 : 1;
            }
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < total; k++) {
                    boolean allowed = k <= past + q && mask[(int) (i * total + k)] == 1;
                    bias[(int) ((i * t + q) * total + k)] = allowed ? 0f : -1e9f;
                }
            }
        }
        NDManager m = inputIds.getManager();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray tokens = p("embed_tokens.weight").get(m, new ai.djl.ndarray.index.NDIndex("{}", inputIds.flatten()))
                    .reshape(b, t, config.wordEmbedProjDim());
            if (config.wordEmbedProjDim() != config.hiddenSize()) tokens = tokens.matMul(p("project_in.weight").transpose());
            NDArray pos = p("embed_positions.weight").get(m, new ai.djl.ndarray.index.NDIndex("{}", m.create(positions)))
                    .reshape(b, t, config.hiddenSize());
            Embedded e = new Embedded(tokens.add(pos), m.create(bias, new Shape(b, 1, t, total)));
            NDScope.unregister(e.hidden(), e.attentionBias());
            return e;
        }
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        NDArray y = x.matMul(w.transpose());
        return bias == null ? y : y.add(bias);
    }

    private static NDArray layerNorm(NDArray x, NDArray w, NDArray bias) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray centered = x.sub(mean);
        NDArray var = centered.square().mean(new int[] {-1}, true);
        return centered.div(var.add(1e-5f).sqrt()).mul(w).add(bias);
    }

    @Override
    public NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training) {
        String l = "layers." + index + ".";
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long b = hidden.getShape().get(0);
            long t = hidden.getShape().get(1);
            int heads = config.numHeads();
            int hd = config.hiddenSize() / heads;
            NDArray residual = hidden;
            NDArray h = config.doLayerNormBefore() ? layerNorm(hidden, p(l + "self_attn_layer_norm.weight"), p(l + "self_attn_layer_norm.bias")) : hidden;
            NDArray q = linear(h, p(l + "self_attn.q_proj.weight"), p(l + "self_attn.q_proj.bias")).mul((float) Math.pow(hd, -0.5))
                    .reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray k = linear(h, p(l + "self_attn.k_proj.weight"), p(l + "self_attn.k_proj.bias")).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray v = linear(h, p(l + "self_attn.v_proj.weight"), p(l + "self_attn.v_proj.bias")).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            if (cache != null) {
                NDArray[] kv = cache.append(index, k, v);
                NDScope.unregister(kv);
                k = kv[0];
                v = kv[1];
            }
            NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).add(attentionBias).softmax(-1).matMul(v)
                    .transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
            h = residual.add(linear(attn, p(l + "self_attn.out_proj.weight"), p(l + "self_attn.out_proj.bias")));
            if (!config.doLayerNormBefore()) h = layerNorm(h, p(l + "self_attn_layer_norm.weight"), p(l + "self_attn_layer_norm.bias"));
            residual = h;
            NDArray f = config.doLayerNormBefore() ? layerNorm(h, p(l + "final_layer_norm.weight"), p(l + "final_layer_norm.bias")) : h;
            f = linear(linear(f, p(l + "fc1.weight"), p(l + "fc1.bias")).maximum(0f), p(l + "fc2.weight"), p(l + "fc2.bias"));
            h = residual.add(f);
            if (!config.doLayerNormBefore()) h = layerNorm(h, p(l + "final_layer_norm.weight"), p(l + "final_layer_norm.bias"));
            NDScope.unregister(h);
            return h;
        }
    }

    @Override
    public NDArray head(NDArray hidden) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray h = hidden;
            if (config.doLayerNormBefore()) h = layerNorm(h, p("final_layer_norm.weight"), p("final_layer_norm.bias"));
            if (config.wordEmbedProjDim() != config.hiddenSize()) h = h.matMul(p("project_out.weight").transpose());
            NDArray logits = h.matMul(p("embed_tokens.weight").transpose());
            NDScope.unregister(logits);
            return logits;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
