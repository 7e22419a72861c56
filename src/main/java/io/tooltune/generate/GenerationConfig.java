package io.tooltune.generate;

import java.util.List;

/**
 * Decoding settings: temperature 0 is greedy; otherwise logits / temperature, then top-k (0 = off), then nucleus
 * top-p (1 = off), then a draw from {@code Random(seed)} per sequence (seed null: unseeded). A sequence stops at EOS
 * (when {@code stopAtEos}), when its text contains a stop string (the text is cut before it), or after
 * {@code maxNewTokens}.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, Long seed,
                               List<String> stopStrings, boolean stopAtEos) {
    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1]");
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0");
        stopStrings = stopStrings == null ? List.of() : stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, null, List.of(), true);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
