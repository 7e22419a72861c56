package io.tooltune.model.opt;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.model.ModelConfig;

/** The fields of an OPT config.json that the decoder needs. */
public record OptConfig(int vocabSize, int hiddenSize, int ffnDim, int numLayers, int numHeads, int wordEmbedProjDim,
                        int maxPositionEmbeddings, boolean doLayerNormBefore, double dropout, boolean enableBias,
                        int padTokenId, int bosTokenId, int eosTokenId) implements ModelConfig {

    public static OptConfig fromJson(JsonNode c) {
        int hidden = c.path("hidden_size").asInt();
        return new OptConfig(c.path("vocab_size").asInt(), hidden, c.path("ffn_dim").asInt(),
                c.path("num_hidden_layers").asInt(), c.path("num_attention_heads").asInt(),
                c.path("word_embed_proj_dim").asInt(hidden), c.path("max_position_embeddings").asInt(),
                c.path("do_layer_norm_before").asBoolean(true), c.path("dropout").asDouble(0.1),
                c.path("enable_bias").asBoolean(true), c.path("pad_token_id").asInt(1),
                c.path("bos_token_id").asInt(2), c.path("eos_token_id").asInt(2));
    }

    @Override
    public String modelType() {
        return "opt";
    }

    public boolean hasProjection() {
        return wordEmbedProjDim != hiddenSize;
    }

    public boolean hasFinalLayerNorm() {
        return doLayerNormBefore;
    }
}
