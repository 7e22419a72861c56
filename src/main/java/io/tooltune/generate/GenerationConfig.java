package io.tooltune.generate;

import java.util.List;
import java.util.Map;

/**
 * Decoding settings: temperature 0 is greedy; otherwise logits / temperature, then top-k (0 = off), then nucleus
 * top-p (1 = off), then a draw from {@code Random(seed)} per sequence (seed null: unseeded). Before all of that,
 * OpenAI's logit adjustments (see {@link LogitsProcessors}): {@code logitBias} (token id to a value added to its
 * logit), {@code frequencyPenalty} and {@code presencePenalty} over the tokens generated so far; they apply to greedy
 * decoding too. {@code topLogprobs} asks for each generated token's log-probability and that many alternatives
 * ({@link #NO_LOGPROBS}: none). A sequence stops at EOS (when {@code stopAtEos}), when its text contains a stop
 * string (the text is cut before it), or after {@code maxNewTokens}. Start from a preset and change what differs
 * with the withers.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, Long seed,
                               List<String> stopStrings, boolean stopAtEos, double presencePenalty,
                               double frequencyPenalty, Map<Integer, Double> logitBias, int topLogprobs) {
    /** ToolLLaMA's inference settings as the agent uses them: 512 new tokens, temperature 0.1, seed 42. */
    public static final int TOOLLLAMA_MAX_NEW_TOKENS = 512;
    public static final double TOOLLLAMA_TEMPERATURE = 0.1;
    public static final long TOOLLLAMA_SEED = 42;
    /** {@link #topLogprobs()} when no log-probabilities are wanted. */
    public static final int NO_LOGPROBS = -1;

    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1]");
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0");
        if (!Double.isFinite(presencePenalty)) throw new IllegalArgumentException("presencePenalty must be finite");
        if (!Double.isFinite(frequencyPenalty)) throw new IllegalArgumentException("frequencyPenalty must be finite");
        if (topLogprobs < NO_LOGPROBS) throw new IllegalArgumentException("topLogprobs must be >= 0, or NO_LOGPROBS");
        stopStrings = stopStrings == null ? List.of() : stopStrings.stream().filter(s -> !s.isEmpty()).toList();
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        for (Map.Entry<Integer, Double> e : logitBias.entrySet()) {
            if (e.getKey() < 0 || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("logitBias: token id " + e.getKey() + " -> " + e.getValue());
            }
        }
    }

    /** The settings before logit adjustments and log-probabilities existed (none of either). */
    public GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, Long seed,
                            List<String> stopStrings, boolean stopAtEos) {
        this(maxNewTokens, temperature, topP, topK, seed, stopStrings, stopAtEos, 0, 0, Map.of(), NO_LOGPROBS);
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
        return new GenerationConfig(n, temperature, topP, topK, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    public GenerationConfig withTemperature(double t) {
        return new GenerationConfig(maxNewTokens, t, topP, topK, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    public GenerationConfig withTopP(double p) {
        return new GenerationConfig(maxNewTokens, temperature, p, topK, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    public GenerationConfig withTopK(int k) {
        return new GenerationConfig(maxNewTokens, temperature, topP, k, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    /** {@code null}: a fresh unseeded draw per sequence. */
    public GenerationConfig withSeed(Long s) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, s, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stops, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    public GenerationConfig withStopAtEos(boolean stop) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stop, presencePenalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    /** Subtracted once from the logit of every token already generated (OpenAI's presence_penalty). */
    public GenerationConfig withPresencePenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stopAtEos, penalty,
                frequencyPenalty, logitBias, topLogprobs);
    }

    /** Subtracted from a token's logit once per time it was generated (OpenAI's frequency_penalty). */
    public GenerationConfig withFrequencyPenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stopAtEos, presencePenalty,
                penalty, logitBias, topLogprobs);
    }

    /** Token id to the value added to its logit at every step (OpenAI's logit_bias; -100 effectively bans it). */
    public GenerationConfig withLogitBias(Map<Integer, Double> bias) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, bias, topLogprobs);
    }

    /** Each generated token's log-probability and its {@code top} most likely alternatives; {@link #NO_LOGPROBS}: off. */
    public GenerationConfig withLogprobs(int top) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, stopAtEos, presencePenalty,
                frequencyPenalty, logitBias, top);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public boolean logprobs() {
        return topLogprobs != NO_LOGPROBS;
    }
}
