package io.tooltune.model.opt;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;

/** An OPT config.json (the fields the decoder needs). */
public record OptConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int ffnDim, int maxPositionEmbeddings,
                        int wordEmbedProjDim, boolean doLayerNormBefore, int padTokenId, int bosTokenId, int eosTokenId)
        implements ModelConfig {

    @Override
    public String modelType() {
        return "opt";
    }

    /** facebook/opt-350m's shape: post-norm, 512-wide embeddings projected to 1024. */
    public static OptConfig opt350m() {
        return new OptConfig(50272, 1024, 24, 16, 4096, 2048, 512, false, 1, 2, 2);
    }

    public static OptConfig read(Path configJson) {
        try {
            JsonNode c = Json.MAPPER.readTree(configJson.toFile());
            if (!"opt".equals(c.path("model_type").asText())) throw new BadInputException(configJson + ": model_type is not 'opt'");
            int hidden = required(c, "hidden_size", configJson);
            return new OptConfig(required(c, "vocab_size", configJson), hidden, required(c, "num_hidden_layers", configJson),
                    required(c, "num_attention_heads", configJson), required(c, "ffn_dim", configJson),
                    required(c, "max_position_embeddings", configJson), c.path("word_embed_proj_dim").asInt(hidden),
                    c.path("do_layer_norm_before").asBoolean(true), c.path("pad_token_id").asInt(1),
                    c.path("bos_token_id").asInt(2), c.path("eos_token_id").asInt(2));
        } catch (IOException e) {
            throw new BadInputException(configJson + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int required(JsonNode c, String field, Path file) {
        if (!c.path(field).canConvertToInt()) throw new BadInputException(file + ": missing integer '" + field + "'");
        return c.get(field).asInt();
    }
}
