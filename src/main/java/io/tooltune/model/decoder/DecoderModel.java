package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import io.tooltune.BadInputException;
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

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * transformers' LlamaForCausalLM and its relatives (Qwen2, Qwen3, Mistral) over named NDArrays with Hugging Face
 * names: pre-norm layers of RMSNorm, grouped-query attention with rotary positions, and a SwiGLU MLP; optional
 * q/k/v (and o) biases, per-head q/k norms, a sliding window, a tied or separate head. Positions come from the
 * attention mask, so left padding and the KV cache work as in transformers' generate.
 *
 * <p>{@link #layer} needs the rotary tables of the positions that {@link #embed} computed; they are kept with the
 * attention bias that embed returned, so a layer must be given the bias of a recent embed call. Several passes may
 * be in progress at once (the engine prefills an arrival between two layers of a decode pass), so the last few are kept.
 */
public final class DecoderModel implements CausalLM {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private final DecoderConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final RotaryEmbedding rotary;
    private final float eps;
    /** head_dim^-0.5, made once and owned by PyTorch: the backward of the scaling reads it (see GraphScalar). */
    private final NDArray queryScale;
    private final Linears linears;
    /** The passes of the latest embed calls, newest first. */
    private final ArrayDeque<Pass> recentPasses = new ArrayDeque<>();

    /**
     * What a pass's layers need from its embed call: its bias, whether that bias is all zeros (one new token per
     * row, no pads: adding it would change nothing), and the rotary tables of its positions.
     */
    private record Pass(NDArray bias, boolean biasHidesNothing, RotaryEmbedding.Tables tables) {}

    /** Passes that may be in progress at once: a decode pass and a prefill run between two of its layers, with room to spare. */
    private static final int OPEN_PASSES = 4;

    /** Wraps {@code params} (owned by {@code manager}); the names and shapes must be those of {@link #shapes}. */
    public DecoderModel(DecoderConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        ParameterShapes.require(shapes(config), params);
        this.rotary = new RotaryEmbedding(config.rope(), config.headDim(), manager);
        this.eps = (float) config.rmsNormEps();
        this.queryScale = GraphScalar.of(params.get(EMBED), Math.pow(config.headDim(), -0.5));
        this.linears = new Linears(shapes(config).keySet().stream().filter(n -> n.endsWith("_proj.weight"))
                .map(n -> n.substring(0, n.length() - ".weight".length())).toList());
    }

    /**
     * Fresh weights as transformers' {@code _init_weights} with {@code initializer_range} 0.02: matrices N(0, 0.02),
     * biases 0, norms 1. For benchmarks and tests of a model's shape; checkpoints load through ModelFolder.
     */
    public static DecoderModel random(DecoderConfig config, long seed) {
        SplittableRandom rnd = Seeds.weights(seed);
        NDManager mgr = Device.CPU.newManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        shapes(config).forEach((name, shape) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(v, 1f);
            } else if (shape.dimension() == 2) {
                for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 0.02);
            }
            p.put(name, mgr.create(v, shape));
        });
        return new DecoderModel(config, mgr, p);
    }

    @Override
    public DecoderModel copyAs(DataType type) {
        ParameterCopy c = ParameterCopy.of(params, Device.of(manager), type);
        return new DecoderModel(config, c.manager(), c.parameters());
    }

    @Override
    public DecoderModel copyTo(Device device) {
        ParameterCopy c = ParameterCopy.of(params, device, null);
        return new DecoderModel(config, c.manager(), c.parameters());
    }

    /** Every parameter's name and shape, in transformers' module order; lm_head only when untied. */
    public static Map<String, Shape> shapes(DecoderConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        int d = c.hiddenSize();
        int q = c.numHeads() * c.headDim();
        int kv = c.numKvHeads() * c.headDim();
        s.put(EMBED, new Shape(c.vocabSize(), d));
        for (int i = 0; i < c.numLayers(); i++) {
            String l = "model.layers." + i + ".";
            linear(s, l + "self_attn.q_proj", q, d, c.qkvBias());
            linear(s, l + "self_attn.k_proj", kv, d, c.qkvBias());
            linear(s, l + "self_attn.v_proj", kv, d, c.qkvBias());
            linear(s, l + "self_attn.o_proj", d, q, c.attentionBias());
            if (c.qkNorm()) {
                s.put(l + "self_attn.q_norm.weight", new Shape(c.headDim()));
                s.put(l + "self_attn.k_norm.weight", new Shape(c.headDim()));
            }
            linear(s, l + "mlp.gate_proj", c.intermediateSize(), d, c.mlpBias());
            linear(s, l + "mlp.up_proj", c.intermediateSize(), d, c.mlpBias());
            linear(s, l + "mlp.down_proj", d, c.intermediateSize(), c.mlpBias());
            s.put(l + "input_layernorm.weight", new Shape(d));
            s.put(l + "post_attention_layernorm.weight", new Shape(d));
        }
        s.put(NORM, new Shape(d));
        if (!c.tieWordEmbeddings()) s.put(LM_HEAD, new Shape(c.vocabSize(), d));
        return s;
    }

    private static void linear(Map<String, Shape> s, String name, int out, int in, boolean bias) {
        s.put(name + ".weight", new Shape(out, in));
        if (bias) s.put(name + ".bias", new Shape(out));
    }

    @Override
    public DecoderConfig config() {
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

    @Override
    public Embedded embed(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        int b = Math.toIntExact(inputIds.getShape().get(0));
        int t = Math.toIntExact(inputIds.getShape().get(1));
        PassThreads.forPass((long) b * t);
        int past = cache == null ? 0 : Math.toIntExact(cache.length());
        long[] mask = KvCache.extendMask(cache, attentionMask);
        int total = past + t;
        int window = config.slidingWindow();
        boolean windowedLayers = window > 0 && (config.variant().window() == DecoderVariant.Window.ALL_LAYERS
                || config.maxWindowLayers() < config.numLayers());
        int longest = windowedLayers ? CausalMask.longestRow(mask, b, total) : 0;
        if (windowedLayers && config.variant().window() == DecoderVariant.Window.REFUSED_BEYOND && longest > window) {
            throw new BadInputException(longest + " tokens are more than " + config.modelType() + "'s sliding_window " + window
                    + " (sliding windows from max_window_layers are not implemented)");
        }
        NDArray table = params.get(EMBED);
        DataType type = table.getDataType();
        float hidden = type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        CausalMask m = CausalMask.of(mask, b, past, t, windowedLayers ? window : 0, hidden);
        NDManager arrays = inputIds.getManager();
        RotaryEmbedding.Tables tables = rotary.tables(arrays, m.positions(), b, t, type);
        NDArray bias = arrays.create(m.bias(), new Shape(b, 1, t, total));
        if (type != DataType.FLOAT32) bias = bias.toType(type, false);
        recentPasses.addFirst(new Pass(bias, m.hidesNothing(), tables));
        if (recentPasses.size() > OPEN_PASSES) recentPasses.removeLast();
        return new Embedded(Embedding.embedding(inputIds, table, SparseFormat.DENSE).singletonOrThrow(), bias);
    }

    @Override
    public NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training) {
        Pass pass = passOf(attentionBias);
        String l = "model.layers." + index + ".";
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        NDArray h = RmsNorm.apply(hidden, w(l + "input_layernorm.weight"), eps);
        NDArray q = heads(project(h, l + "self_attn.q_proj", config.qkvBias(), training), b, t, config.numHeads());
        NDArray k = heads(project(h, l + "self_attn.k_proj", config.qkvBias(), training), b, t, config.numKvHeads());
        NDArray v = heads(project(h, l + "self_attn.v_proj", config.qkvBias(), training), b, t, config.numKvHeads());
        if (config.qkNorm()) {
            q = RmsNorm.apply(q, w(l + "self_attn.q_norm.weight"), eps);
            k = RmsNorm.apply(k, w(l + "self_attn.k_norm.weight"), eps);
        }
        q = pass.tables().apply(q.transpose(0, 2, 1, 3)).mul(queryScale);
        k = pass.tables().apply(k.transpose(0, 2, 1, 3));
        v = v.transpose(0, 2, 1, 3);
        NDArray[] prefix = null;
        if (cache != null) {
            prefix = cache.prefixLayer(index, k.getManager());
            NDArray[] kv = cache.append(index, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray attended = Attention.attend(q, prefix, k, v, pass.biasHidesNothing() ? null : attentionBias, true,
                config.attentionDropout(), training);
        NDArray x = hidden.add(project(attended, l + "self_attn.o_proj", config.attentionBias(), training));
        h = RmsNorm.apply(x, w(l + "post_attention_layernorm.weight"), eps);
        NDArray gate = project(h, l + "mlp.gate_proj", config.mlpBias(), training);
        NDArray up = project(h, l + "mlp.up_proj", config.mlpBias(), training);
        return x.add(project(gate.mul(Activation.sigmoid(gate)).mul(up), l + "mlp.down_proj", config.mlpBias(), training));
    }

    private Pass passOf(NDArray attentionBias) {
        for (Pass p : recentPasses) {
            if (p.bias() == attentionBias) return p;
        }
        throw new IllegalStateException("layer() needs the attention bias of one of the latest embed() calls");
    }

    @Override
    public NDArray head(NDArray hidden) {
        NDArray h = RmsNorm.apply(hidden, params.get(NORM), eps);
        return RowSplit.linear(h, config.tieWordEmbeddings() ? params.get(EMBED) : params.get(LM_HEAD), null);
    }

    private NDArray w(String name) {
        return params.get(name);
    }

    private static NDArray heads(NDArray x, long b, long t, int count) {
        return x.reshape(b, t, count, -1);
    }

    private NDArray project(NDArray x, String name, boolean bias, boolean training) {
        return linears.apply(x, name, w(name + ".weight"), bias ? w(name + ".bias") : null, training);
    }

    @Override
    public void close() {
        manager.close();
    }
}
