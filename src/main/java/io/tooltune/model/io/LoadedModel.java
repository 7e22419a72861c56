package io.tooltune.model.io;

import io.tooltune.model.CausalLM;
import io.tooltune.tokenizer.Tokenizer;

/** A model and its tokenizer, loaded from one folder. */
public record LoadedModel(CausalLM model, Tokenizer tokenizer) implements AutoCloseable {
    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
