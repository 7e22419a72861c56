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
 * An OPT config.json with transformers' OPTConfig defaults for absent fields ({@code word_embed_proj_dim} falls
 * back to {@code hidden_size}). {@code activation_dropout} is not kept: transformers' OPT code ignores it.
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
        return new OptConfig(50272, 1024, 4096, 24, 16, 512, 2048, false, 0.1, true, 1, 2, 2);
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
            int hidden = intField(c, "hidden_size", 768, source);
            return new OptConfig(intField(c, "vocab_size", 50272, source), hidden, intField(c, "ffn_dim", 3072, source),
                    intField(c, "num_hidden_layers", 12, source), intField(c, "num_attention_heads", 12, source),
                    c.hasNonNull("word_embed_proj_dim") ? intField(c, "word_embed_proj_dim", hidden, source) : hidden,
                    intField(c, "max_position_embeddings", 2048, source), c.path("do_layer_norm_before").asBoolean(true),
                    c.path("dropout").asDouble(0.1), c.path("enable_bias").asBoolean(true),
                    intField(c, "pad_token_id", 1, source), intField(c, "bos_token_id", 2, source),
                    intField(c, "eos_token_id", 2, source), c.path("attention_dropout").asDouble(0.0),
                    c.path("activation_function").asText("relu"), c.path("init_std").asDouble(0.02),
                    c.path("_remove_final_layer_norm").asBoolean(false), c.path("tie_word_embeddings").asBoolean(true));
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
