package io.tooltune.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** What every model family's config tells the rest of the toolkit. */
public interface ModelConfig {
    String modelType();

    int vocabSize();

    int numLayers();

    int maxPositionEmbeddings();

    /**
     * The most tokens one sequence may hold, prompt and generated: {@link #maxPositionEmbeddings}, or fewer where the
     * family refuses longer sequences (a Qwen2/Qwen3 sliding window, which is not implemented).
     */
    default int contextLength() {
        return maxPositionEmbeddings();
    }

    /** The context length as an error message names it: the config field it comes from, and its value. */
    default String contextDescription() {
        return (contextLength() == maxPositionEmbeddings() ? "max_position_embeddings " : "sliding_window ") + contextLength();
    }

    int padTokenId();

    int bosTokenId();

    int eosTokenId();

    /** Every id that ends a generated sequence (generation_config.json's {@code eos_token_id} may be a list). */
    default List<Integer> eosTokenIds() {
        return List.of(eosTokenId());
    }

    /** The config.json that transformers reads back as this config (weights saved as float32). */
    ObjectNode toJson();
}
