package io.tooltune.serve;

import ai.djl.pytorch.jni.JniUtils;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The real model: requests go through the {@link BatchScheduler} to one worker thread (grad mode off) that runs
 * them as one left-padded batch through the {@link Generator}; a request cancelled mid-batch stops decoding at
 * the next step. Generation stops at EOS ("</s>", as ToolLLaMA's inference does), a stop string or max_tokens.
 */
public final class LocalModelBackend implements ModelBackend {
    private final String modelId;
    private final LoadedModel loaded;
    private final Generator generator;
    private final BatchScheduler scheduler;

    public LocalModelBackend(LoadedModel loaded, String modelId, int maxBatch) {
        this.modelId = modelId;
        this.loaded = loaded;
        this.generator = new Generator(loaded.model(), loaded.tokenizer());
        this.scheduler = new BatchScheduler(maxBatch, () -> JniUtils.setGradMode(false), this::run);
    }

    public static LocalModelBackend load(Path dir, String modelId, int maxBatch) {
        return new LocalModelBackend(ModelFolder.load(dir), modelId, maxBatch);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int contextLength() {
        return loaded.model().config().maxPositionEmbeddings();
    }

    @Override
    public int countTokens(String prompt) {
        return loaded.tokenizer().encode(prompt).length;
    }

    @Override
    public CompletableFuture<Completion> complete(Job job) {
        return scheduler.submit(job);
    }

    /** Mean requests per forward batch so far. */
    public double meanBatchSize() {
        return scheduler.meanBatchSize();
    }

    private List<Completion> run(List<BatchScheduler.Pending> batch) {
        Job first = batch.get(0).job();
        List<long[]> prompts = new ArrayList<>();
        for (BatchScheduler.Pending p : batch) prompts.add(loaded.tokenizer().encode(p.job().prompt()));
        GenerationConfig cfg = new GenerationConfig(first.maxTokens(), first.temperature(), first.topP(), 0, first.seed(), first.stop(), true);
        List<Generator.Output> outs = generator.generate(prompts, cfg, i -> batch.get(i).cancelled());
        List<Completion> result = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            Generator.Output o = outs.get(i);
            result.add(new Completion(o.text(), prompts.get(i).length, o.ids().length, o.hitMaxTokens()));
        }
        return result;
    }

    @Override
    public void close() {
        scheduler.close();
        loaded.close();
    }
}
