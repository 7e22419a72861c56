package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Map;

/**
 * A decoder-only causal language model over DJL NDArrays. The forward pass is split into stages (embed, one
 * decoder layer at a time, head) so that a trainer can recompute layers during backward (gradient checkpointing)
 * and a generator can drive a KV cache.
 */
public interface CausalLM extends AutoCloseable {

    /** The family's config (for OPT an {@code OptConfig}). */
    ModelConfig config();

    /** The manager that owns the parameters. */
    NDManager manager();

    /**
     * Every parameter by its Hugging Face name ({@code model.decoder.*}), in a stable order; the tied output
     * matrix appears once, as the input embedding.
     */
    Map<String, NDArray> parameters();

    /** The Linear modules by Hugging Face path, where a LoRA adapter attaches ({@code linears().attach(adapter)}). */
    Linears linears();

    /** The number of weights, the tied output matrix counted once. */
    default long parameterCount() {
        return parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /** A copy with every parameter converted to {@code type}, on the same device, in its own manager. */
    CausalLM copyAs(DataType type);

    /** A copy with the same parameter types on {@code device}, in its own manager. */
    CausalLM copyTo(Device device);

    /** Token and position embeddings for {@code inputIds [B,T]}, plus the additive attention bias. */
    Embedded embed(NDArray inputIds, NDArray attentionMask, KvCache cache);

    /** Decoder layer {@code index} on {@code hidden [B,T,H]}; appends to {@code cache} when it is not null. */
    NDArray layer(int index, NDArray hidden, NDArray attentionBias, KvCache cache, boolean training);

    /** Final norm / projection and the (tied) output head: hidden states to logits {@code [B,T,V]}. */
    NDArray head(NDArray hidden);

    /** The whole forward pass: logits {@code [B,T,V]} for ids and mask (1 = token, 0 = pad). */
    default NDArray forward(NDArray inputIds, NDArray attentionMask, KvCache cache, boolean training) {
        Embedded e = embed(inputIds, attentionMask, cache);
        NDArray h = e.hidden();
        for (int i = 0; i < config().numLayers(); i++) {
            h = layer(i, h, e.attentionBias(), cache, training);
        }
        if (cache != null) cache.advance(inputIds.getShape().get(1));
        return head(h);
    }

    /**
     * Inference without the head: runs the decoder over {@code ids} (appending to {@code cache} when given, then
     * advancing it) and returns the last hidden states, in {@code m}. Each layer's intermediates (attention scores:
     * B x heads x T x T) are freed as soon as the layer is done; kept until the pass ends, a 2000-token prefill of
     * opt-350m would hold tens of GB.
     */
    default NDArray hidden(NDManager m, NDArray ids, NDArray attentionMask, KvCache cache) {
        return hidden(m, ids, attentionMask, cache, null);
    }

    /**
     * As {@link #hidden(NDManager, NDArray, NDArray, KvCache)}; {@code betweenLayers} (may be null) runs after every
     * layer but the last (the continuous engine prefills arrivals there).
     */
    default NDArray hidden(NDManager m, NDArray ids, NDArray attentionMask, KvCache cache, Runnable betweenLayers) {
        Embedded e = embed(ids, attentionMask, cache);
        NDArray h = e.hidden();
        int layers = config().numLayers();
        for (int l = 0; l < layers; l++) {
            try (NDManager layer = m.newSubManager()) {
                h.attach(layer);
                h = layer(l, h, e.attentionBias(), cache, false);
                h.attach(m);
                if (cache != null) cache.attachAll(m);
            }
            if (betweenLayers != null && l < layers - 1) betweenLayers.run();
        }
        if (cache != null) cache.advance(ids.getShape().get(1));
        return h;
    }

    @Override
    void close();

    /** Hidden states after the embeddings, and the additive attention bias [B,1,T,past+T] (0 allowed, large negative masked). */
    record Embedded(NDArray hidden, NDArray attentionBias) {}
}
