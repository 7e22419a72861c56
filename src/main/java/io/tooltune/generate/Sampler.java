package io.tooltune.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from one row of logits: OpenAI's logit adjustments first ({@link LogitsProcessors}), then as
 * transformers' warpers do: temperature, top-k, top-p, draw; scores the pick when log-probabilities are asked for.
 */
final class Sampler {
    private Sampler() {}

    /** The token picked and, when {@code cfg} asks for log-probabilities, its scores (else null). */
    record Pick(int token, TokenScores scores) {}

    /**
     * One sequence's step: adjusts {@code logits[from, from + vocab)} in place for {@code generated} (the sequence's
     * new tokens so far), picks, and scores the pick against the adjusted logits (before temperature).
     */
    static Pick pick(float[] logits, int from, int vocab, GenerationConfig cfg, Random rng, long[] generated) {
        LogitsProcessors.apply(logits, from, vocab, cfg, generated);
        int token = next(logits, from, vocab, cfg, rng);
        return new Pick(token, cfg.logprobs() ? TokenScores.of(logits, from, vocab, token, cfg.topLogprobs()) : null);
    }

    static int next(float[] logits, int from, int vocab, GenerationConfig cfg, Random rng) {
        int best = from;
        for (int j = from + 1; j < from + vocab; j++) if (logits[j] > logits[best]) best = j;
        if (cfg.greedy()) return best - from;
        double max = logits[best];
        int[] order = candidates(logits, from, vocab, cfg.topK());
        double[] p = new double[order.length];
        double sum = 0;
        for (int j = 0; j < order.length; j++) {
            p[j] = Math.exp((logits[from + order[j]] - max) / cfg.temperature());
            sum += p[j];
        }
        int keep = order.length;
        if (cfg.topP() < 1) {
            double cum = 0;
            for (int j = 0; j < order.length; j++) {
                cum += p[j] / sum;
                if (cum >= cfg.topP()) {
                    keep = j + 1;
                    break;
                }
            }
        }
        double total = 0;
        for (int j = 0; j < keep; j++) total += p[j];
        double r = rng.nextDouble() * total;
        for (int j = 0; j < keep; j++) {
            r -= p[j];
            if (r < 0) return order[j];
        }
        return order[keep - 1];
    }

    /** Token ids by descending logit (ties by id); with topK only those at or above the k-th value. */
    private static int[] candidates(float[] logits, int from, int vocab, int topK) {
        long[] packed = new long[vocab];
        for (int j = 0; j < vocab; j++) {
            int bits = Float.floatToIntBits(logits[from + j]);
            int ordered = bits < 0 ? bits ^ 0x7fffffff : bits;
            packed[j] = ((long) ~ordered << 32) | j;
        }
        Arrays.sort(packed);
        int n = vocab;
        if (topK > 0 && topK < vocab) {
            n = topK;
            float kth = logits[from + (int) packed[topK - 1]];
            while (n < vocab && logits[from + (int) packed[n]] == kth) n++;
        }
        int[] out = new int[n];
        for (int j = 0; j < n; j++) out[j] = (int) packed[j];
        return out;
    }
}
