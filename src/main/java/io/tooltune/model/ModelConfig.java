package io.tooltune.model;

/** What every model family's config tells the rest of the toolkit. */
public interface ModelConfig {
    String modelType();

    int vocabSize();

    int numLayers();

    int maxPositionEmbeddings();

    int padTokenId();

    int bosTokenId();

    int eosTokenId();
}
