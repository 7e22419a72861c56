package io.tooltune.model.decoder;

/**
 * What sets one Llama-like family apart: its model_type and architecture name, transformers' defaults for absent
 * config fields, and which optional parts it has.
 *
 * @param defaultHeadDim       head_dim when config.json has none (0: hidden_size / num_attention_heads)
 * @param attentionBiasKey     reads {@code attention_bias} (bias on q, k, v and o projections)
 * @param qkvBias              q, k and v projections always have a bias, o never (Qwen2)
 * @param mlpBiasKey           reads {@code mlp_bias}
 * @param qkNorm               per-head RMSNorm of queries and keys before the rotation (Qwen3)
 * @param window               how {@code sliding_window} is read and honoured
 */
public record DecoderVariant(String modelType, String architecture, int defaultMaxPositions, int defaultHeadDim,
                             int defaultBosTokenId, int defaultEosTokenId, boolean attentionBiasKey, boolean qkvBias,
                             boolean mlpBiasKey, boolean qkNorm, Window window) {

    public enum Window {
        /** No sliding window (Llama). */
        NONE,
        /** {@code sliding_window} (null: none) on every layer, masked (Mistral). */
        ALL_LAYERS,
        /**
         * {@code use_sliding_window} turns {@code sliding_window} on from layer {@code max_window_layers}; not
         * implemented, so a sequence longer than the window is refused (Qwen2, Qwen3).
         */
        REFUSED_BEYOND
    }
}
