package io.tooltune.model.opt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OPT config.json. {@link #builder()} starts from transformers' OPTConfig defaults, which also fill the fields
 * a config.json leaves out; {@code activation_dropout} is not kept: transformers' OPT code ignores it.
 *
 * @param vocabSize             tokens in the vocabulary (vocab_size, 50272)
 * @param hiddenSize            width of the decoder layers (hidden_size, 768)
 * @param ffnDim                width of each layer's feed-forward block (ffn_dim, 3072)
 * @param numLayers             decoder layers (num_hidden_layers, 12)
 * @param numHeads              attention heads per layer (num_attention_heads, 12)
 * @param wordEmbedProjDim      width of the token embeddings, projected to the hidden width when it differs
 *                              (word_embed_proj_dim, the hidden size)
 * @param maxPositionEmbeddings longest sequence the learned positions cover (max_position_embeddings, 2048)
 * @param doLayerNormBefore     pre-LN layers when true, post-LN (opt-350m) when false (do_layer_norm_before, true)
 * @param dropout               dropout on the residual branches while training (dropout, 0.1)
 * @param enableBias            linear layers have biases (enable_bias, true)
 * @param padTokenId            padding token, whose embedding row gets no gradient from lookups (pad_token_id, 1)
 * @param bosTokenId            beginning-of-sequence token (bos_token_id, 2)
 * @param eosTokenId            end-of-sequence token (eos_token_id, 2)
 * @param attentionDropout      dropout on the attention probabilities while training (attention_dropout, 0.0)
 * @param activationFunction    feed-forward activation, relu or gelu (activation_function, relu)
 * @param initStd               standard deviation of fresh linear and embedding weights (init_std, 0.02)
 * @param removeFinalLayerNorm  drops the pre-LN decoder's final layer norm (_remove_final_layer_norm, false)
 * @param tieWordEmbeddings     the output head is the token embedding matrix (tie_word_embeddings, true)
 */
public record OptConfig(int vocabSize, int hiddenSize, int ffnDim, int numLayers, int numHeads, int wordEmbedProjDim,
                        int maxPositionEmbeddings, boolean doLayerNormBefore, double dropout, boolean enableBias,
                        int padTokenId, int bosTokenId, int eosTokenId, double attentionDropout,
                        String activationFunction, double initStd, boolean removeFinalLayerNorm,
                        boolean tieWordEmbeddings) implements ModelConfig {

    /** Learned position rows are looked up at position + 2 (fairseq's padding offset). */
    public static final int POSITION_OFFSET = 2;
    private static final List<String> ACTIVATIONS = List.of("relu", "gelu");

    public OptConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || ffnDim <= 0 || numLayers <= 0 || numHeads <= 0 || wordEmbedProjDim <= 0
                || maxPositionEmbeddings <= 0) {
            throw new InvalidConfig("sizes must be positive");
        }
        if (hiddenSize % numHeads != 0) {
            throw new InvalidConfig("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numHeads);
        }
        if (!ACTIVATIONS.contains(activationFunction)) {
            throw new InvalidConfig("activation_function '" + activationFunction + "' is not supported (relu, gelu)");
        }
    }

    /** A config with the OPT defaults for attention dropout (0), ReLU, init_std 0.02, final norm kept, tied head. */
    public OptConfig(int vocabSize, int hiddenSize, int ffnDim, int numLayers, int numHeads, int wordEmbedProjDim,
                     int maxPositionEmbeddings, boolean doLayerNormBefore, double dropout, boolean enableBias,
                     int padTokenId, int bosTokenId, int eosTokenId) {
        this(vocabSize, hiddenSize, ffnDim, numLayers, numHeads, wordEmbedProjDim, maxPositionEmbeddings,
                doLayerNormBefore, dropout, enableBias, padTokenId, bosTokenId, eosTokenId, 0.0, "relu", 0.02, false, true);
    }

    /** facebook/opt-350m's shape: post-norm, 512-wide embeddings projected to 1024. */
    public static OptConfig opt350m() {
        return builder().hiddenSize(1024).ffnDim(4096).numLayers(24).numHeads(16).wordEmbedProjDim(512)
                .doLayerNormBefore(false).build();
    }

    /** opt-350m's layout (post-norm, projected embeddings, full vocabulary) at width 64 with 2 layers: benchmarks' quick setting. */
    public static OptConfig tiny() {
        return opt350m().toBuilder().hiddenSize(64).ffnDim(256).numLayers(2).numHeads(4).wordEmbedProjDim(32).build();
    }

    /** A builder holding transformers' OPTConfig defaults (see the record components). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.vocabSize = vocabSize;
        b.hiddenSize = hiddenSize;
        b.ffnDim = ffnDim;
        b.numLayers = numLayers;
        b.numHeads = numHeads;
        b.wordEmbedProjDim = wordEmbedProjDim;
        b.maxPositionEmbeddings = maxPositionEmbeddings;
        b.doLayerNormBefore = doLayerNormBefore;
        b.dropout = dropout;
        b.enableBias = enableBias;
        b.padTokenId = padTokenId;
        b.bosTokenId = bosTokenId;
        b.eosTokenId = eosTokenId;
        b.attentionDropout = attentionDropout;
        b.activationFunction = activationFunction;
        b.initStd = initStd;
        b.removeFinalLayerNorm = removeFinalLayerNorm;
        b.tieWordEmbeddings = tieWordEmbeddings;
        return b;
    }

    /** Names only what differs from the defaults; each setter is the record component of the same name. */
    public static final class Builder {
        private int vocabSize = 50272;
        private int hiddenSize = 768;
        private int ffnDim = 3072;
        private int numLayers = 12;
        private int numHeads = 12;
        /** Null: the hidden size. */
        private Integer wordEmbedProjDim;
        private int maxPositionEmbeddings = 2048;
        private boolean doLayerNormBefore = true;
        private double dropout = 0.1;
        private boolean enableBias = true;
        private int padTokenId = 1;
        private int bosTokenId = 2;
        private int eosTokenId = 2;
        private double attentionDropout = 0.0;
        private String activationFunction = "relu";
        private double initStd = 0.02;
        private boolean removeFinalLayerNorm = false;
        private boolean tieWordEmbeddings = true;

        private Builder() {}

        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder ffnDim(int v) { ffnDim = v; return this; }
        public Builder numLayers(int v) { numLayers = v; return this; }
        public Builder numHeads(int v) { numHeads = v; return this; }
        public Builder wordEmbedProjDim(int v) { wordEmbedProjDim = v; return this; }
        public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder doLayerNormBefore(boolean v) { doLayerNormBefore = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder enableBias(boolean v) { enableBias = v; return this; }
        public Builder padTokenId(int v) { padTokenId = v; return this; }
        public Builder bosTokenId(int v) { bosTokenId = v; return this; }
        public Builder eosTokenId(int v) { eosTokenId = v; return this; }
        public Builder attentionDropout(double v) { attentionDropout = v; return this; }
        public Builder activationFunction(String v) { activationFunction = v; return this; }
        public Builder initStd(double v) { initStd = v; return this; }
        public Builder removeFinalLayerNorm(boolean v) { removeFinalLayerNorm = v; return this; }
        public Builder tieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }

        public OptConfig build() {
            return new OptConfig(vocabSize, hiddenSize, ffnDim, numLayers, numHeads,
                    wordEmbedProjDim == null ? hiddenSize : wordEmbedProjDim, maxPositionEmbeddings, doLayerNormBefore,
                    dropout, enableBias, padTokenId, bosTokenId, eosTokenId, attentionDropout, activationFunction,
                    initStd, removeFinalLayerNorm, tieWordEmbeddings);
        }
    }

    @Override
    public String modelType() {
        return "opt";
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** project_in / project_out exist when the embedding width differs from the hidden width. */
    public boolean hasProjection() {
        return wordEmbedProjDim != hiddenSize;
    }

    /** The decoder-level final layer norm exists only in pre-LN models that do not remove it. */
    public boolean hasFinalLayerNorm() {
        return doLayerNormBefore && !removeFinalLayerNorm;
    }

    public static OptConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": missing");
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return fromJson(json, file.toString());
    }

    /** Parses a config.json tree; {@code source} names it in errors. */
    public static OptConfig fromJson(JsonNode c, String source) {
        if (c == null || !c.isObject()) throw new BadInputException(source + ": not a JSON object");
        String type = c.path("model_type").asText("");
        if (!type.equals("opt")) throw new BadInputException(source + ": model_type '" + type + "' is not supported (only 'opt')");
        if (!c.path("layer_norm_elementwise_affine").asBoolean(true)) {
            throw new BadInputException(source + ": layer_norm_elementwise_affine=false is not supported");
        }
        try {
            Builder b = builder();
            Builder d = builder(); // the defaults, for the fields left out
            b.vocabSize(intField(c, "vocab_size", d.vocabSize, source))
                    .hiddenSize(intField(c, "hidden_size", d.hiddenSize, source))
                    .ffnDim(intField(c, "ffn_dim", d.ffnDim, source))
                    .numLayers(intField(c, "num_hidden_layers", d.numLayers, source))
                    .numHeads(intField(c, "num_attention_heads", d.numHeads, source))
                    .maxPositionEmbeddings(intField(c, "max_position_embeddings", d.maxPositionEmbeddings, source))
                    .doLayerNormBefore(c.path("do_layer_norm_before").asBoolean(d.doLayerNormBefore))
                    .dropout(c.path("dropout").asDouble(d.dropout))
                    .enableBias(c.path("enable_bias").asBoolean(d.enableBias))
                    .padTokenId(intField(c, "pad_token_id", d.padTokenId, source))
                    .bosTokenId(intField(c, "bos_token_id", d.bosTokenId, source))
                    .eosTokenId(intField(c, "eos_token_id", d.eosTokenId, source))
                    .attentionDropout(c.path("attention_dropout").asDouble(d.attentionDropout))
                    .activationFunction(c.path("activation_function").asText(d.activationFunction))
                    .initStd(c.path("init_std").asDouble(d.initStd))
                    .removeFinalLayerNorm(c.path("_remove_final_layer_norm").asBoolean(d.removeFinalLayerNorm))
                    .tieWordEmbeddings(c.path("tie_word_embeddings").asBoolean(d.tieWordEmbeddings));
            if (c.hasNonNull("word_embed_proj_dim")) b.wordEmbedProjDim(intField(c, "word_embed_proj_dim", 0, source));
            return b.build();
        } catch (InvalidConfig e) {
            throw new BadInputException(source + ": " + e.getMessage(), e);
        }
    }

    /** A config whose values cannot describe an OPT model. */
    public static final class InvalidConfig extends BadInputException {
        InvalidConfig(String message) {
            super(message);
        }
    }

    public static OptConfig fromJson(JsonNode c) {
        return fromJson(c, "config.json");
    }

    private static int intField(JsonNode c, String name, int fallback, String source) {
        JsonNode v = c.get(name);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw new BadInputException(source + ": " + name + " is not an integer: " + v);
        return v.asInt();
    }

    /** The config.json that transformers' OPTForCausalLM reads back as this config. */
    public ObjectNode toJson() {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.putArray("architectures").add("OPTForCausalLM");
        j.put("model_type", "opt").put("vocab_size", vocabSize).put("hidden_size", hiddenSize).put("ffn_dim", ffnDim)
                .put("num_hidden_layers", numLayers).put("num_attention_heads", numHeads)
                .put("word_embed_proj_dim", wordEmbedProjDim).put("max_position_embeddings", maxPositionEmbeddings)
                .put("do_layer_norm_before", doLayerNormBefore).put("_remove_final_layer_norm", removeFinalLayerNorm)
                .put("dropout", dropout).put("attention_dropout", attentionDropout).put("activation_dropout", 0.0)
                .put("activation_function", activationFunction).put("enable_bias", enableBias)
                .put("layer_norm_elementwise_affine", true).put("layerdrop", 0.0).put("init_std", initStd)
                .put("pad_token_id", padTokenId).put("bos_token_id", bosTokenId).put("eos_token_id", eosTokenId)
                .put("tie_word_embeddings", tieWordEmbeddings).put("prefix", "</s>").put("torch_dtype", "float32")
                .put("use_cache", true);
        return j;
    }
}
