package io.tooltune.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import io.tooltune.model.CausalLM;
import io.tooltune.model.KvCache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The OPT decoder (Hugging Face semantics) over named DJL arrays; the output head is tied to the embedding. */
public final class OptModel implements CausalLM {
    private static final String P = "model.decoder.";
    private final OptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;

    public OptModel(OptConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
    }

    /** Random weights (N(0, 0.02), LayerNorm 1/0, biases 0), as for a model trained from scratch. */
    public static OptModel random(OptConfig c, long seed) {
        NDManager mgr = NDManager.newBaseManager();
        Random r = new Random(seed);
        Map<String, NDArray> p = new LinkedHashMap<>();
        int d = c.hiddenSize();
        int e = c.wordEmbedProjDim();
        p.put(P + "embed_tokens.weight", normal(mgr, r, c.vocabSize(), e));
        p.put(P + "embed_positions.weight", normal(mgr, r, c.maxPositionEmbeddings() + 2, d));
        if (c.hasProjection()) {
            p.put(P + "project_in.weight", normal(mgr, r, d, e));
            p.put(P + "project_out.weight", normal(mgr, r, e, d));
        }
        if (c.hasFinalLayerNorm()) {
            p.put(P + "final_layer_norm.weight", mgr.ones(new Shape(d)));
            p.put(P + "final_layer_norm.bias", mgr.zeros(new Shape(d)));
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String l = P + "layers." + i + ".";
            for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                p.put(l + "self_attn." + n + ".weight", normal(mgr, r, d, d));
                p.put(l + "self_attn." + n + ".bias", mgr.zeros(new Shape(d)));
            }
            p.put(l + "self_attn_layer_norm.weight", mgr.ones(new Shape(d)));
            p.put(l + "self_attn_layer_norm.bias", mgr.zeros(new Shape(d)));
            p.put(l + "fc1.weight", normal(mgr, r, c.ffnDim(), d));
            p.put(l + "fc1.bias", mgr.zeros(new Shape(c.ffnDim())));
            p.put(l + "fc2.weight", normal(mgr, r, d, c.ffnDim()));
            p.put(l + "fc2.bias", mgr.zeros(new Shape(d)));
            p.put(l + "final_layer_norm.weight", mgr.ones(new Shape(d)));
            p.put(l + "final_layer_norm.bias", mgr.zeros(new Shape(d)));
        }
        return new OptModel(c, mgr, p);
    }

    private static NDArray normal(NDManager mgr, Random r, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.02);
        return mgr.create(v, new Shape(rows, cols));
    }

    /** A copy with every parameter converted to {@code type}, in its own manager (for float16 training). */
    public OptModel copyAs(DataType type) {
        NDManager mgr = NDManager.newBaseManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            NDArray c = v.toType(type, true);
            c.attach(mgr);
            p.put(k, c);
        });
        return new OptModel(config, mgr, p);
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

    private NDArray w(String name) {
        return params.get(P + name);
    }

    @Override
    public Embedded embed(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        NDArray tokens = w("embed_tokens.weight");
        long b = inputIds.getShape().get(0);
        long t = inputIds.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        NDArray fullMask = attentionMask;
        if (cache != null && cache.mask() != null) fullMask = cache.mask().concat(attentionMask, 1);
        if (cache != null) {
            cache.setMask(fullMask);
            NDScope.unregister(fullMask); // the cache owns it beyond a caller's scope
        }
        long total = past + t;
        NDArray x = tokens.get(inputIds);
        if (config.hasProjection()) x = Linear.linear(x, w("project_in.weight"), null).singletonOrThrow();
        // positions count the real tokens so far (offset 2), over the cached tokens too
        long[] mask = fullMask.toType(DataType.INT64, false).toLongArray();
        long[] positions = new long[(int) (b * t)];
        DataType dt = tokens.getDataType();
        float min = dt == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        float[] bias = new float[(int) (b * t * total)];
        for (int r = 0; r < b; r++) {
            long cum = 0;
            for (int j = 0; j < total; j++) {
                long m = mask[(int) (r * total + j)];
                cum += m;
                if (j >= past) positions[(int) (r * t + j - past)] = m == 1 ? cum - 1 + 2 : 1;
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < total; j++) {
                    if (j > past + i || mask[(int) (r * total + j)] == 0) bias[(int) ((r * t + i) * total + j)] = min;
                }
            }
        }
        NDManager m = inputIds.getManager();
        x = x.add(w("embed_positions.weight").get(m.create(positions, new Shape(b, t))));
        NDArray biasArr = m.create(bias, new Shape(b, 1, t, total));
        if (dt != DataType.FLOAT32) biasArr = biasArr.toType(dt, false);
        return new Embedded(x, biasArr);
    }

    @Override
    public NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training) {
        String l = "layers." + index + ".";
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        boolean pre = config.doLayerNormBefore();
        NDArray res = hidden;
        NDArray h = pre ? norm(hidden, l + "self_attn_layer_norm") : hidden;
        NDArray q = lin(h, l + "self_attn.q_proj").mul((float) Math.pow(hd, -0.5))
                .reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray k = lin(h, l + "self_attn.k_proj").reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray v = lin(h, l + "self_attn.v_proj").reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(index, k, v);
            NDScope.unregister(kv);
            k = kv[0];
            v = kv[1];
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(attentionBias);
        NDArray a = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        NDArray x = res.add(drop(lin(a, l + "self_attn.out_proj"), training));
        if (!pre) x = norm(x, l + "self_attn_layer_norm");
        res = x;
        h = pre ? norm(x, l + "final_layer_norm") : x;
        h = lin(ai.djl.nn.Activation.relu(lin(h, l + "fc1")), l + "fc2");
        x = res.add(drop(h, training));
        if (!pre) x = norm(x, l + "final_layer_norm");
        return x;
    }

    private NDArray drop(NDArray x, boolean training) {
        if (!training || config.dropout() <= 0) return x;
        return Dropout.dropout(x, (float) config.dropout(), true).singletonOrThrow();
    }

    private NDArray lin(NDArray x, String name) {
        return Linear.linear(x, w(name + ".weight"), config.enableBias() ? w(name + ".bias") : null).singletonOrThrow();
    }

    private NDArray norm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), w(name + ".weight"), w(name + ".bias"), 1e-5f)
                .singletonOrThrow();
    }

    @Override
    public NDArray head(NDArray hidden) {
        NDArray h = hidden;
        if (config.hasFinalLayerNorm()) h = norm(h, "final_layer_norm");
        if (config.hasProjection()) h = Linear.linear(h, w("project_out.weight"), null).singletonOrThrow();
        return Linear.linear(h, w("embed_tokens.weight"), null).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
