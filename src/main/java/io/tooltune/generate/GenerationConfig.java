package io.tooltune.generate;

import java.util.List;

/**
 * Decoding settings: temperature 0 is greedy; otherwise logits / temperature, then top-k (0 = off), then nucleus
 * top-p (1 = off), then a draw from {@code Random(seed)} per sequence (seed null: unseeded). A sequence stops at EOS
 * (when {@code stopAtEos}), when its text contains a stop string (the text is cut before it), or after
 * {@code maxNewTokens}. Start from a preset and change what differs with the withers.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, Long seed,
                               List<String> stopStrings, boolean stopAtEos) {
    /** ToolLLaMA's inference settings as the agent uses them: 512 new tokens, temperature 0.1, seed 42. */
    public static final int TOOLLLAMA_MAX_NEW_TOKENS = 512;
    public static final double TOOLLLAMA_TEMPERATURE = 0.1;
    public static final long TOOLLLAMA_SEED = 42;

    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1]");
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0");
        stopStrings = stopStrings == null ? List.of() : stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Greedy decoding, no top-k/top-p, no stop strings, stopping at EOS. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, null, List.of(), true);
    }

    /** Plain sampling at {@code temperature} (no top-k/top-p, unseeded), stopping at EOS. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature) {
        return greedy(maxNewTokens).withTemperature(temperature);
    }

    /** What the agent's local model decodes with (ToolBench's defaults): see the TOOLLLAMA_ constants; stops at EOS. */
    public static GenerationConfig toolLlama() {
        return sampling(TOOLLLAMA_MAX_NEW_TOKENS, TOOLLLAMA_TEMPERATURE).withSeed(TOOLLLAMA_SEED);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, temperature, topP, topK, seed, stopStrings, stopAtEos);
    }

    public GenerationConfig withTemperature(double t) {
        return new GenerationConfig(maxNewTokens, t, topP, topK, seed, stopStrings, stopAtEos);
    }

    public GenerationConfig withTopP(double p) {
        return new GenerationConfig(maxNewTokens, temperature, p, topK, seed, stopStrings, stopAtEos);
    }

    public GenerationConfig withTopK(int k) {
        return new GenerationConfig(maxNewTokens, temperature, topP, k, seed, stopStrings, stopAtEos);
    }

    /** {@code null}: a fresh unseeded draw per sequence. */
    public GenerationConfig withSeed(Long s) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, s, stopStrings, stopAtEos);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stops, stopAtEos);
    }

    public GenerationConfig withStopAtEos(boolean stop) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stop);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
