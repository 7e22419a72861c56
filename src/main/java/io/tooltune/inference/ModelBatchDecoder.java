package io.tooltune.inference;

import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.generate.GrammarConstraint;
import io.tooltune.generate.TokenConstraint;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.model.GradMode;
import io.tooltune.model.io.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A batch through core's {@link Generator} over a loaded model: one left-padded batch, each sequence stopping on its
 * own (a cancelled one at the next step). As ToolLLaMA's wrapper does, a prompt longer than the context minus the new
 * tokens keeps its end (left truncation), so positions never exceed max_position_embeddings. Does not own the model.
 */
public final class ModelBatchDecoder implements BatchDecoder {
    private final LoadedModel loaded;
    private final Generator generator;
    /** Each token id's text and the grammar masks over them; made on first use, once per model. */
    private String[] tokenTexts;
    private TokenMasker masker;

    public ModelBatchDecoder(LoadedModel loaded) {
        this.loaded = loaded;
        this.generator = new Generator(loaded.model(), loaded.tokenizer());
    }

    /** Inference only: the worker thread never records a graph. */
    @Override
    public void onWorkerThread() {
        GradMode.disableOnThisThread();
    }

    @Override
    public List<Completion> decode(List<InferenceRequest> batch, IntPredicate cancelled) {
        GenerationConfig cfg = batch.get(0).config();
        int room = Math.max(1, loaded.model().config().maxPositionEmbeddings() - cfg.maxNewTokens());
        List<long[]> ids = new ArrayList<>();
        List<TokenConstraint> constraints = new ArrayList<>();
        for (InferenceRequest r : batch) {
            long[] all = loaded.tokenizer().encode(r.prompt());
            ids.add(all.length > room ? Arrays.copyOfRange(all, all.length - room, all.length) : all);
            constraints.add(constraint(r));
        }
        List<Generator.Output> out = generator.generate(ids, cfg, cancelled, constraints);
        List<Completion> result = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Generator.Output o = out.get(i);
            result.add(new Completion(o.text(), ids.get(i).length, o.ids().length, o.hitMaxTokens(), o.logprobs()));
        }
        return result;
    }

    private TokenConstraint constraint(InferenceRequest r) {
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
