package io.tooltune.serve;

import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.Device;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The real model behind the server: each job goes to the {@link InferenceWorker}, which batches concurrent jobs
 * continuously (a job joins the running batch at the next step, whatever its sampling settings; a lone client is
 * served at once) and streams their text as it is decoded; a cancelled job leaves the batch at the next step.
 * Penalties, logit bias and log-probabilities go to the generator with the sampling settings. Generation stops at
 * EOS ("</s>", as ToolLLaMA's inference does), a stop string or
 * max_tokens.
 */
public final class LocalModelBackend implements ModelBackend {
    private final String modelId;
    private final LoadedModel loaded;
    private final InferenceWorker worker;

    /** Closing the backend closes {@code loaded}. */
    public LocalModelBackend(LoadedModel loaded, String modelId, int maxBatch) {
        this(loaded, modelId, InferenceWorker.forModel(loaded, maxBatch, 0));
    }

    /** Serves {@code loaded} through {@code worker} (one that runs it, e.g. with static batches for a benchmark). */
    public LocalModelBackend(LoadedModel loaded, String modelId, InferenceWorker worker) {
        this.modelId = modelId;
        this.loaded = loaded;
        this.worker = worker;
    }

    public static LocalModelBackend load(Path dir, String modelId, int maxBatch, Device device) {
        return new LocalModelBackend(ModelFolder.load(dir, device), modelId, maxBatch);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int contextLength() {
        return loaded.model().config().contextLength();
    }

    @Override
    public int vocabularySize() {
        return loaded.model().config().vocabSize();
    }

    @Override
    public int countTokens(String prompt) {
        return loaded.tokenizer().encode(prompt).length;
    }

    @Override
    public Optional<long[]> tokenize(String prompt) {
        return Optional.of(loaded.tokenizer().encode(prompt));
    }

    @Override
    public CompletableFuture<Completion> complete(Job job) {
        return worker.submit(request(job));
    }

    @Override
    public CompletableFuture<Completion> stream(Job job, Consumer<String> onText) {
        return worker.submit(request(job).streaming(onText));
    }

    @Override
    public CompletableFuture<Completion> stream(Job job, Consumer<String> onText, Consumer<TokenLogprob> onToken) {
        return worker.submit(request(job).streaming(onText).scored(onToken));
    }

    private static InferenceRequest request(Job job) {
        return InferenceRequest.constrained(job.prompt(), config(job), job.grammar()).encoded(job.promptIds());
    }

    /** A job's sampling settings (no top-k; stop at EOS). */
    static GenerationConfig config(Job job) {
        ModelBackend.Scoring s = job.scoring();
        return GenerationConfig.sampling(job.maxTokens(), job.temperature()).withTopP(job.topP()).withSeed(job.seed())
                .withStopStrings(job.stop()).withPresencePenalty(s.presencePenalty())
                .withFrequencyPenalty(s.frequencyPenalty()).withLogitBias(s.logitBias()).withLogprobs(s.topLogprobs());
    }

    public Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    /** Its KV-cache use is the share of the batch's sequence rows taken: each running sequence holds one. */
    @Override
    public Optional<EngineStats> engineStats() {
        InferenceWorker.Load l = worker.load();
        return Optional.of(new EngineStats(l.running(), l.waiting(), (double) l.running() / l.maxBatch()));
    }

    public InferenceWorker.Stats stats() {
        return worker.stats();
    }

    @Override
    public void close() {
        worker.close();
    }
}
