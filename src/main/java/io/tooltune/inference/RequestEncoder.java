package io.tooltune.inference;

import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GrammarConstraint;
import io.tooltune.generate.TokenConstraint;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.model.io.LoadedModel;

import java.util.Arrays;
import java.util.BitSet;

/**
 * A request as the model decodes it: its prompt ids and the constraint on its tokens. As ToolLLaMA's wrapper does, a
 * prompt longer than the context minus the new tokens keeps its end (left truncation), so positions never exceed
 * max_position_embeddings. Not thread-safe (the masks are made on first use, once per model).
 */
final class RequestEncoder {
    private final LoadedModel loaded;
    /** Each token id's text and the grammar masks over them. */
    private String[] tokenTexts;
    private TokenMasker masker;

    RequestEncoder(LoadedModel loaded) {
        this.loaded = loaded;
    }

    long[] ids(InferenceRequest r) {
        int room = Math.max(1, loaded.model().config().contextLength() - r.config().maxNewTokens());
        long[] all = r.promptIds() != null ? r.promptIds() : loaded.tokenizer().encode(r.prompt());
        return all.length > room ? Arrays.copyOfRange(all, all.length - room, all.length) : all;
    }

    /** A fresh constraint for one sequence (null: free decoding). */
    TokenConstraint constraint(InferenceRequest r) {
        if (r.functionNames() != null) return new FunctionNameConstraint(tokenTexts(), r.functionNames());
        if (r.grammar() != null) return new GrammarConstraint(r.grammar(), masker(), tokenTexts());
        return null;
    }

    /**
     * The vocabulary's masker: special tokens (those a decode without special tokens drops) are never text, and the
     * model's first end-of-sequence id ends a complete document.
     */
    private TokenMasker masker() {
        if (masker == null) {
            String[] texts = tokenTexts();
            BitSet specials = new BitSet(texts.length);
            for (int id = 0; id < texts.length; id++) {
                if (!texts[id].isEmpty() && loaded.tokenizer().decode(new long[] {id}, true).isEmpty()) specials.set(id);
            }
            masker = new TokenMasker(texts, specials, loaded.model().config().eosTokenIds().get(0));
        }
        return masker;
    }

    private String[] tokenTexts() {
        if (tokenTexts == null) {
            tokenTexts = FunctionNameConstraint.tokenTexts(loaded.tokenizer(), loaded.model().config().vocabSize());
        }
        return tokenTexts;
    }
}
