package io.tooltune.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import io.tooltune.model.Attention;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import io.tooltune.model.GraphScalar;
import io.tooltune.model.KvCache;
import io.tooltune.model.Linears;
import io.tooltune.model.ParameterCopy;
import io.tooltune.model.ParameterShapes;
import io.tooltune.model.PassThreads;
import io.tooltune.model.RowSplit;
import io.tooltune.model.Seeds;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * transformers' OPTForCausalLM over plain named NDArrays ({@code model.decoder.*}, plus {@code lm_head.weight} only
 * when the head is not tied). Pre-LN and post-LN layouts, optional project_in/out, learned positions taken from the
 * attention mask (so left padding works), additive masks, dropout only when training, and an incremental KV cache.
 * Everything is differentiable with respect to the parameters.
 */
public final class OptModel implements CausalLM {
    public static final String PREFIX = "model.decoder.";
    public static final String LM_HEAD = "lm_head.weight";
    private static final float LN_EPS = 1e-5f;

    private final OptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    /** head_dim^-0.5, made once and owned by PyTorch: the backward of the scaling reads it (see GraphScalar). */
    private final NDArray queryScale;
    private final Linears linears;

    /** Wraps {@code params} (owned by {@code manager}); the names and shapes must be those of {@link #shapes}. */
    public OptModel(OptConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        ParameterShapes.require(shapes(config), params);
        this.queryScale = GraphScalar.of(w("embed_tokens.weight"), Math.pow(config.headDim(), -0.5));
        this.linears = new Linears(shapes(config).keySet().stream().filter(n -> n.endsWith(".weight"))
                .map(n -> n.substring(0, n.length() - ".weight".length()))
                .filter(m -> m.endsWith("_proj") || m.endsWith(".fc1") || m.endsWith(".fc2") || m.endsWith("project_in")
                        || m.endsWith("project_out")).toList());
    }

    /** Every parameter's name and shape, in transformers' module order. */
    public static Map<String, Shape> shapes(OptConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        int d = c.hiddenSize();
        s.put(PREFIX + "embed_tokens.weight", new Shape(c.vocabSize(), c.wordEmbedProjDim()));
        s.put(PREFIX + "embed_positions.weight", new Shape(c.maxPositionEmbeddings() + OptConfig.POSITION_OFFSET, d));
        if (c.hasProjection()) {
            s.put(PREFIX + "project_out.weight", new Shape(c.wordEmbedProjDim(), d));
            s.put(PREFIX + "project_in.weight", new Shape(d, c.wordEmbedProjDim()));
        }
        if (c.hasFinalLayerNorm()) {
            s.put(PREFIX + "final_layer_norm.weight", new Shape(d));
            s.put(PREFIX + "final_layer_norm.bias", new Shape(d));
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String l = PREFIX + "layers." + i + ".";
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                s.put(l + "self_attn." + proj + ".weight", new Shape(d, d));
                if (c.enableBias()) s.put(l + "self_attn." + proj + ".bias", new Shape(d));
            }
            s.put(l + "self_attn_layer_norm.weight", new Shape(d));
            s.put(l + "self_attn_layer_norm.bias", new Shape(d));
            s.put(l + "fc1.weight", new Shape(c.ffnDim(), d));
            if (c.enableBias()) s.put(l + "fc1.bias", new Shape(c.ffnDim()));
            s.put(l + "fc2.weight", new Shape(d, c.ffnDim()));
            if (c.enableBias()) s.put(l + "fc2.bias", new Shape(d));
            s.put(l + "final_layer_norm.weight", new Shape(d));
            s.put(l + "final_layer_norm.bias", new Shape(d));
        }
        if (!c.tieWordEmbeddings()) s.put(LM_HEAD, new Shape(c.vocabSize(), c.wordEmbedProjDim()));
        return s;
    }

    /**
     * Fresh weights as transformers' {@code _init_weights}: linear and embedding weights N(0, init_std), biases 0,
     * layer norms 1 and 0, the padding row of the token embedding 0.
     */
    public static OptModel random(OptConfig c, long seed) {
        return random(c, seed, Device.CPU);
    }

    /** As {@link #random(OptConfig, long)}, with the weights on {@code device}. */
    public static OptModel random(OptConfig c, long seed, Device device) {
        SplittableRandom rnd = Seeds.weights(seed);
        NDManager mgr = device.newManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        shapes(c).forEach((name, shape) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            if (name.contains("layer_norm.weight")) {
                Arrays.fill(v, 1f);
            } else if (shape.dimension() == 2) {
                for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * c.initStd());
                if (name.equals(PREFIX + "embed_tokens.weight") && c.padTokenId() >= 0 && c.padTokenId() < c.vocabSize()) {
                    Arrays.fill(v, c.padTokenId() * (int) shape.get(1), (c.padTokenId() + 1) * (int) shape.get(1), 0f);
                }
            }
            p.put(name, mgr.create(v, shape));
        });
        return new OptModel(c, mgr, p);
    }

    @Override
    public OptModel copyAs(DataType type) {
        return copy(Device.of(manager), type);
    }

    @Override
    public OptModel copyTo(Device device) {
        return copy(device, null);
    }

    private OptModel copy(Device device, DataType type) {
        ParameterCopy c = ParameterCopy.of(params, device, type);
        return new OptModel(config, c.manager(), c.parameters());
    }

    @Override
    public OptConfig config() {
        return config;
    }

    @Override
    public Linears linears() {
        return linears;
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
        return params.get(PREFIX + name);
    }

    private NDArray outputMatrix() {
        return config.tieWordEmbeddings() ? w("embed_tokens.weight") : params.get(LM_HEAD);
    }

    /**
     * Positions are {@code cumsum(mask) * mask - 1} over the cached and new tokens (pads get -1), looked up at +2; the
     * bias is 0 where a query may attend and the dtype's minimum where the key is later or a pad. A mask numbering
     * packed sequences (1, 1, 2, 2, 0) restarts the positions at each sequence and hides the other sequences.
     */
    @Override
    public Embedded embed(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        int b = Math.toIntExact(inputIds.getShape().get(0));
        int t = Math.toIntExact(inputIds.getShape().get(1));
        PassThreads.forPass((long) b * t);
        int past = cache == null ? 0 : Math.toIntExact(cache.length());
        NDArray fullMask = attentionMask;
        if (cache != null) {
            if (cache.mask() != null) fullMask = NDArrays.concat(new NDList(cache.mask(), attentionMask), 1);
            cache.setMask(fullMask);
        }
        int total = past + t;
        if (fullMask.getShape().get(1) != total) {
            throw new IllegalArgumentException("attention mask covers " + fullMask.getShape().get(1) + " tokens, expected " + total);
        }
        long[] mask = (fullMask.getDataType() == DataType.INT64 ? fullMask : fullMask.toType(DataType.INT64, false)).toLongArray();
        DataType dt = w("embed_tokens.weight").getDataType();
        float min = dt == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        long[] pos = new long[b * t];
        float[] bias = new float[b * t * total];
        for (int r = 0; r < b; r++) {
            long seen = 0;
            long sequence = 0;
            for (int j = 0; j < total; j++) {
                long id = mask[r * total + j];
                if (id != 0 && id != sequence) {
                    sequence = id;
                    seen = 0;
                }
                if (id != 0) seen++;
                if (j >= past) pos[r * t + j - past] = (id != 0 ? seen - 1 : -1) + OptConfig.POSITION_OFFSET;
            }
            for (int i = 0; i < t; i++) {
                int row = (r * t + i) * total;
                long own = mask[r * total + past + i];
                for (int j = 0; j < total; j++) {
                    long id = mask[r * total + j];
                    if (j > past + i || id == 0 || (own != 0 && id != own)) bias[row + j] = min;
                }
            }
        }
        NDManager m = inputIds.getManager();
        NDArray x = tokenEmbedding(inputIds);
        if (config.hasProjection()) x = linears.apply(x, PREFIX + "project_in", w("project_in.weight"), null, false);
        NDArray positionTable = w("embed_positions.weight");
        NDArray positions = m.create(pos, new Shape(b, t));
        x = x.add(Embedding.embedding(positions, positionTable, SparseFormat.DENSE).singletonOrThrow());
        // The backward of the lookup reads these indices, and an array made from Java data does not keep its memory
        // once closed: so while training it stays open (the caller's scope closes it after backward).
        if (!positionTable.hasGradient()) positions.close();
        NDArray attentionBias = m.create(bias, new Shape(b, 1, t, total));
        if (dt != DataType.FLOAT32) attentionBias = attentionBias.toType(dt, false);
        return new Embedded(x, attentionBias);
    }

    /**
     * Token lookup. As nn.Embedding(padding_idx=pad), the lookup sends no gradient to the pad row: when the table
     * requires gradients, pad positions read a detached copy (the tied head still trains that row).
     */
    private NDArray tokenEmbedding(NDArray ids) {
        NDArray table = w("embed_tokens.weight");
        NDArray x = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        if (!table.hasGradient()) return x;
        NDArray isPad = ids.eq(config.padTokenId()).expandDims(-1).toType(table.getDataType(), false);
        NDArray detached = Embedding.embedding(ids, table.stopGradient(), SparseFormat.DENSE).singletonOrThrow();
        return x.mul(isPad.neg().add(1)).add(detached.mul(isPad));
    }

    @Override
    public NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training) {
        String l = "layers." + index + ".";
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        boolean pre = config.doLayerNormBefore();
        NDArray h = pre ? norm(hidden, l + "self_attn_layer_norm") : hidden;
        NDArray q = heads(lin(h, l + "self_attn.q_proj", training).mul(queryScale), b, t);
        NDArray k = heads(lin(h, l + "self_attn.k_proj", training), b, t);
        NDArray v = heads(lin(h, l + "self_attn.v_proj", training), b, t);
        NDArray[] prefix = null;
        if (cache != null) {
            prefix = cache.prefixLayer(index, k.getManager());
            NDArray[] kv = cache.append(index, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray a = Attention.attend(q, prefix, k, v, attentionBias, false, config.attentionDropout(), training);
        NDArray x = hidden.add(dropout(lin(a, l + "self_attn.out_proj", training), config.dropout(), training));
        if (!pre) x = norm(x, l + "self_attn_layer_norm");
        h = pre ? norm(x, l + "final_layer_norm") : x;
        h = lin(activation(lin(h, l + "fc1", training)), l + "fc2", training);
        x = x.add(dropout(h, config.dropout(), training));
        return pre ? x : norm(x, l + "final_layer_norm");
    }

    @Override
    public NDArray head(NDArray hidden) {
        NDArray h = hidden;
        if (config.hasFinalLayerNorm()) h = norm(h, "final_layer_norm");
        if (config.hasProjection()) h = linears.apply(h, PREFIX + "project_out", w("project_out.weight"), null, false);
        return RowSplit.linear(h, outputMatrix(), null);
    }

    private NDArray heads(NDArray x, long b, long t) {
        return x.reshape(b, t, config.numHeads(), config.headDim()).transpose(0, 2, 1, 3);
    }

    private NDArray activation(NDArray x) {
        return config.activationFunction().equals("gelu") ? Activation.gelu(x) : Activation.relu(x);
    }

    private static NDArray dropout(NDArray x, double p, boolean training) {
        if (!training || p <= 0) return x;
        return Dropout.dropout(x, (float) p, true).singletonOrThrow();
    }

    private NDArray lin(NDArray x, String name, boolean training) {
        return linears.apply(x, PREFIX + name, w(name + ".weight"), config.enableBias() ? w(name + ".bias") : null, training);
    }

    private NDArray norm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), w(name + ".weight"), w(name + ".bias"), LN_EPS)
                .singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
