package io.tooltune.inference;

import io.tooltune.generate.ContinuousDecoder;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link InferenceWorker}'s continuous batching over a model: requests into a {@link ContinuousDecoder}, each
 * finished sequence's output back to its future. Used on the worker's thread only; the decoder (and its caches) is
 * made there on first use and made afresh after a failure.
 */
final class ModelSteps implements AutoCloseable {
    private final LoadedModel loaded;
    private final RequestEncoder encoder;
    private final int maxBatch;
    private final Map<ContinuousDecoder.Slot, CompletableFuture<Completion>> futures = new LinkedHashMap<>();
    private ContinuousDecoder decoder;
    private Runnable admitBetweenLayers;
    private long stepsBefore;
    private long sequenceStepsBefore;

    ModelSteps(LoadedModel loaded, int maxBatch) {
        this.loaded = loaded;
        this.encoder = new RequestEncoder(loaded);
        this.maxBatch = maxBatch;
    }

    /**
     * Runs {@code admit} between the layers of each decode pass (null: never), so that requests arriving during a
     * pass are prefilled without waiting for it ({@link ContinuousDecoder#admitBetweenLayers}). Set before the
     * worker's thread starts, which makes the decoder.
     */
    void admitBetweenLayers(Runnable admit) {
        this.admitBetweenLayers = admit;
    }

    /** Requests admitted and not finished. */
    int active() {
        return futures.size();
    }

    /** Admits a request; one that cannot be encoded fails its own future only. */
    void admit(InferenceRequest r, CompletableFuture<Completion> future) {
        try {
            futures.put(decoder().admit(encoder.ids(r), r.config(), encoder.constraint(r), r.onText(), r.onToken()), future);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    /** Cancels the sequences whose callers have gone (a done future): they leave the batch at the next step. */
    void cancelGone() {
        futures.forEach((slot, f) -> {
            if (f.isDone()) slot.cancel();
        });
    }

    /** One step of the batch; completes the futures of the sequences that finished in it. */
    void step() {
        if (decoder == null) return;
        for (ContinuousDecoder.Slot slot : decoder.step()) {
            CompletableFuture<Completion> f = futures.remove(slot);
            Generator.Output o = slot.output();
            if (f != null) f.complete(new Completion(o.text(), slot.promptTokens(), o.ids().length, o.hitMaxTokens(), o.logprobs()));
        }
    }

    /** Fails every admitted request with {@code e} and drops the decoder's state. */
    void failAll(Throwable e) {
        futures.values().forEach(f -> f.completeExceptionally(e));
        futures.clear();
        close();
    }

    List<CompletableFuture<Completion>> running() {
        return List.copyOf(futures.values());
    }

    long decodeSteps() {
        return stepsBefore + (decoder == null ? 0 : decoder.decodeSteps());
    }

    long sequenceSteps() {
        return sequenceStepsBefore + (decoder == null ? 0 : decoder.sequenceSteps());
    }

    private ContinuousDecoder decoder() {
        if (decoder == null) {
            decoder = new ContinuousDecoder(loaded.model(), loaded.tokenizer(), maxBatch, ContinuousDecoder.DEFAULT_PREFILL_CHUNK);
            decoder.admitBetweenLayers(admitBetweenLayers);
        }
        return decoder;
    }

    @Override
    public void close() {
        if (decoder == null) return;
        stepsBefore += decoder.decodeSteps();
        sequenceStepsBefore += decoder.sequenceSteps();
        decoder.close();
        decoder = null;
    }
}
