package io.tooltune.model.qwen2;

import io.tooltune.model.decoder.DecoderFamily;
import io.tooltune.model.decoder.DecoderVariant;

/** Qwen2ForCausalLM (Qwen2, Qwen2.5, Hammer2.1): biases on q, k and v only. */
public final class Qwen2Family extends DecoderFamily {
    /** transformers' Qwen2Config defaults: 32768 positions, no bos/eos. */
    public static final DecoderVariant VARIANT = new DecoderVariant("qwen2", "Qwen2ForCausalLM", 32768, 0, -1, -1,
            false, true, false, false, DecoderVariant.Window.REFUSED_BEYOND);

    public Qwen2Family() {
        super(VARIANT);
    }
}
