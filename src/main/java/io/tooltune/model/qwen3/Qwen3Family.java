package io.tooltune.model.qwen3;

import io.tooltune.model.decoder.DecoderFamily;
import io.tooltune.model.decoder.DecoderVariant;

/** Qwen3ForCausalLM: per-head q/k RMSNorm, an explicit head_dim (128 when absent), optional attention bias. */
public final class Qwen3Family extends DecoderFamily {
    /** transformers' Qwen3Config defaults: 32768 positions, head_dim 128, no bos/eos. */
    public static final DecoderVariant VARIANT = new DecoderVariant("qwen3", "Qwen3ForCausalLM", 32768, 128, -1, -1,
            true, false, false, true, DecoderVariant.Window.REFUSED_BEYOND);

    public Qwen3Family() {
        super(VARIANT);
    }
}
