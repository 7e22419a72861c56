package io.tooltune.model.mistral;

import io.tooltune.model.decoder.DecoderFamily;
import io.tooltune.model.decoder.DecoderVariant;

/** MistralForCausalLM: no biases, a sliding attention window on every layer. */
public final class MistralFamily extends DecoderFamily {
    /** transformers' MistralConfig defaults: 131072 positions, bos 1, eos 2, sliding_window 4096. */
    public static final DecoderVariant VARIANT = new DecoderVariant("mistral", "MistralForCausalLM", 4096 * 32, 0, 1, 2,
            false, false, false, false, DecoderVariant.Window.ALL_LAYERS);

    public MistralFamily() {
        super(VARIANT);
    }
}
