package io.tooltune.inference;

import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.generate.TokenConstraint;
import io.tooltune.model.GradMode;
import io.tooltune.model.io.LoadedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Static batching through core's {@link Generator} over a loaded model: one left-padded batch decoded to its end,
 * each sequence stopping on its own (a cancelled one at the next step). The worker's continuous batching
 * ({@link InferenceWorker#forModel}) replaced it; it stays as the baseline of the serve and agent benchmarks
 * ({@code --batching static}). Does not own the model.
 */
public final class ModelBatchDecoder implements BatchDecoder {
    private final Generator generator;
    private final RequestEncoder encoder;

    public ModelBatchDecoder(LoadedModel loaded) {
        this.generator = new Generator(loaded.model(), loaded.tokenizer());
        this.encoder = new RequestEncoder(loaded);
    }

    /** Inference only: the worker thread never records a graph. */
    @Override
    public void onWorkerThread() {
        GradMode.disableOnThisThread();
    }

    @Override
    public List<Completion> decode(List<InferenceRequest> batch, IntPredicate cancelled) {
        GenerationConfig cfg = batch.get(0).config();
        List<long[]> ids = new ArrayList<>();
        List<TokenConstraint> constraints = new ArrayList<>();
        for (InferenceRequest r : batch) {
            ids.add(encoder.ids(r));
            constraints.add(encoder.constraint(r));
        }
        List<Generator.Output> out = generator.generate(ids, cfg, cancelled, constraints);
        List<Completion> result = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Generator.Output o = out.get(i);
            result.add(new Completion(o.text(), ids.get(i).length, o.ids().length, o.hitMaxTokens(), o.logprobs()));
        }
        return result;
    }
}
