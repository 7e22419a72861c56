package io.tooltune.model.decoder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.model.ConfigFields;
import io.tooltune.model.ModelConfig;

import java.util.List;

/**
 * The config of a Llama-like decoder (Llama, Qwen2, Qwen3, Mistral): sizes, grouped-query heads, RMSNorm epsilon,
 * rotary embedding, which projections carry biases, and the special token ids.
 *
 * @param attentionBias  bias on q, k, v and o (Llama/Qwen3 {@code attention_bias})
 * @param slidingWindow  keys this many positions back or more are hidden (0: no window)
 * @param padDeclared    whether config.json (or generation_config.json) names a pad token; otherwise
 *                       {@code padTokenId} is the first EOS, or 0
 */
public record DecoderConfig(DecoderVariant variant, int vocabSize, int hiddenSize, int intermediateSize,
                            int numLayers, int numHeads, int numKvHeads, int headDim, int maxPositionEmbeddings,
                            double rmsNormEps, RopeScaling rope, boolean attentionBias, boolean mlpBias,
                            boolean tieWordEmbeddings, double attentionDropout, int slidingWindow, int maxWindowLayers,
                            int bosTokenId, List<Integer> eosTokenIds, int padTokenId, boolean padDeclared)
        implements ModelConfig {

    /** Reads config.json with {@code variant}'s defaults for absent fields. */
    public static DecoderConfig read(DecoderVariant variant, ConfigFields c) {
        int hidden = c.requiredInt("hidden_size");
        int heads = c.requiredInt("num_attention_heads");
        int layers = c.requiredInt("num_hidden_layers");
        int kvHeads = c.optionalInt("num_key_value_heads", heads);
        int headDim = c.optionalInt("head_dim", variant.defaultHeadDim() > 0 ? variant.defaultHeadDim() : hidden / Math.max(heads, 1));
        String act = c.optionalString("hidden_act", "silu");
        if (!act.equals("silu")) throw c.error("hidden_act '" + act + "' is not supported (silu)");
        if (hidden <= 0 || heads <= 0 || layers <= 0 || kvHeads <= 0 || headDim <= 0) throw c.error("sizes must be positive");
        if (heads % kvHeads != 0) {
            throw c.error("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) throw c.error("head_dim " + headDim + " is odd (rotary embeddings rotate pairs)");
        int window = 0;
        int maxWindowLayers = 0;
        switch (variant.window()) {
            case ALL_LAYERS -> window = c.json().has("sliding_window") ? c.optionalInt("sliding_window", 0) : 4096;
            case REFUSED_BEYOND -> {
                if (c.optionalBoolean("use_sliding_window", false)) window = c.optionalInt("sliding_window", 4096);
                maxWindowLayers = c.optionalInt("max_window_layers", 28);
            }
            case NONE -> { }
        }
        List<Integer> eos = c.intOrIntList("eos_token_id",
                variant.defaultEosTokenId() >= 0 ? List.of(variant.defaultEosTokenId()) : List.of());
        boolean padDeclared = c.has("pad_token_id");
        int pad = c.optionalInt("pad_token_id", eos.isEmpty() ? 0 : eos.get(0));
        return new DecoderConfig(variant, c.requiredInt("vocab_size"), hidden, c.requiredInt("intermediate_size"), layers,
                heads, kvHeads, headDim, c.optionalInt("max_position_embeddings", variant.defaultMaxPositions()),
                c.optionalDouble("rms_norm_eps", 1e-6), RopeScaling.read(c),
                variant.attentionBiasKey() && c.optionalBoolean("attention_bias", false),
                variant.mlpBiasKey() && c.optionalBoolean("mlp_bias", false), c.optionalBoolean("tie_word_embeddings", false),
                c.optionalDouble("attention_dropout", 0.0), window, maxWindowLayers,
                c.optionalInt("bos_token_id", variant.defaultBosTokenId()), eos, pad, padDeclared);
    }

    @Override
    public String modelType() {
        return variant.modelType();
    }

    /** Shorter than the positions where a sliding window is on and refused beyond its length (Qwen2, Qwen3). */
    @Override
    public int contextLength() {
        boolean windowed = slidingWindow > 0 && maxWindowLayers < numLayers;
        return windowed && variant.window() == DecoderVariant.Window.REFUSED_BEYOND
                ? Math.min(slidingWindow, maxPositionEmbeddings) : maxPositionEmbeddings;
    }

    /** The first EOS id, or -1 when there is none. */
    @Override
    public int eosTokenId() {
        return eosTokenIds.isEmpty() ? -1 : eosTokenIds.get(0);
    }

    /** q, k and v projections have a bias. */
    public boolean qkvBias() {
        return variant.qkvBias() || attentionBias;
    }

    public boolean qkNorm() {
        return variant.qkNorm();
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.putArray("architectures").add(variant.architecture());
        j.put("model_type", variant.modelType()).put("vocab_size", vocabSize).put("hidden_size", hiddenSize)
                .put("intermediate_size", intermediateSize).put("num_hidden_layers", numLayers)
                .put("num_attention_heads", numHeads).put("num_key_value_heads", numKvHeads).put("head_dim", headDim)
                .put("hidden_act", "silu").put("max_position_embeddings", maxPositionEmbeddings)
                .put("rms_norm_eps", rmsNormEps).put("rope_theta", rope.theta()).put("attention_dropout", attentionDropout)
                .put("tie_word_embeddings", tieWordEmbeddings);
        j.set("rope_scaling", rope.toJson());
        if (variant.attentionBiasKey()) j.put("attention_bias", attentionBias);
        if (variant.mlpBiasKey()) j.put("mlp_bias", mlpBias);
        switch (variant.window()) {
            case ALL_LAYERS -> {
                if (slidingWindow > 0) j.put("sliding_window", slidingWindow);
                else j.putNull("sliding_window");
            }
            case REFUSED_BEYOND -> {
                j.put("use_sliding_window", slidingWindow > 0).put("max_window_layers", maxWindowLayers);
                if (slidingWindow > 0) j.put("sliding_window", slidingWindow);
            }
            case NONE -> { }
        }
        if (bosTokenId >= 0) j.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) j.put("eos_token_id", eosTokenIds.get(0));
        else if (!eosTokenIds.isEmpty()) eosTokenIds.forEach(j.withArray("eos_token_id")::add);
        if (padDeclared) j.put("pad_token_id", padTokenId);
        j.put("torch_dtype", "float32").put("use_cache", true);
        return j;
    }
}
