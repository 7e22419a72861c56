package io.tooltune.inference;

import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.GradMode;
import io.tooltune.model.io.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** Each token id's text, for function-name constraints; computed on first use, once per model. */
    private String[] tokenTexts;

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
        List<FunctionNameConstraint> constraints = new ArrayList<>();
        for (InferenceRequest r : batch) {
            long[] all = loaded.tokenizer().encode(r.prompt());
            ids.add(all.length > room ? Arrays.copyOfRange(all, all.length - room, all.length) : all);
            constraints.add(r.functionNames() == null ? null : new FunctionNameConstraint(tokenTexts(), r.functionNames()));
        }
        List<Generator.Output> out = generator.generate(ids, cfg, cancelled, constraints);
        List<Completion> result = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Generator.Output o = out.get(i);
            result.add(new Completion(o.text(), ids.get(i).length, o.ids().length, o.hitMaxTokens()));
        }
        return result;
    }

    private String[] tokenTexts() {
        if (tokenTexts == null) {
            tokenTexts = FunctionNameConstraint.tokenTexts(loaded.tokenizer(), loaded.model().config().vocabSize());
        }
        return tokenTexts;
    }
}
