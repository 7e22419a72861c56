package io.tooltune.generate;

import java.util.List;

/**
 * Sampling settings for one batch: temperature 0 is greedy; topP 1 and topK 0 switch those filters off; seed null
 * draws a random one; generation stops per sequence at EOS (when {@code stopAtEos}), at a stop string (cut off
 * from the text) or after {@code maxNewTokens}.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, Long seed,
                               List<String> stopStrings, boolean stopAtEos) {
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, null, List.of(), true);
    }
}
