package io.tooltune.model.llama;

import io.tooltune.model.decoder.DecoderFamily;
import io.tooltune.model.decoder.DecoderVariant;

/** LlamaForCausalLM (Llama 2/3.x, ToolLLaMA, SmolLM2, Hermes 3): optional attention and MLP biases, rope scaling. */
public final class LlamaFamily extends DecoderFamily {
    /** transformers' LlamaConfig defaults: 2048 positions, bos 1, eos 2. */
    public static final DecoderVariant VARIANT = new DecoderVariant("llama", "LlamaForCausalLM", 2048, 0, 1, 2,
            true, false, true, false, DecoderVariant.Window.NONE);

    public LlamaFamily() {
        super(VARIANT);
    }
}
