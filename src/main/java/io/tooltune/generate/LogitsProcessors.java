package io.tooltune.generate;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI's logit adjustments on one sequence's row of logits, applied before temperature, top-k and top-p (and to
 * greedy decoding): {@code logit[j] += bias[j] - count[j] * frequency_penalty - (count[j] > 0 ? presence_penalty : 0)},
 * where {@code count[j]} is how often token {@code j} occurs among the tokens generated so far (the prompt does not
 * count, as in OpenAI's description and vLLM's implementation). Both are additive, so their order does not matter; a
 * logit already at minus infinity (a constraint's mask) stays there.
 */
final class LogitsProcessors {
    private LogitsProcessors() {}

    /** Whether {@code cfg} changes any logit (when not, decoding is exactly as without this class). */
    static boolean active(GenerationConfig cfg) {
        return cfg.presencePenalty() != 0 || cfg.frequencyPenalty() != 0 || !cfg.logitBias().isEmpty();
    }

    /** Adjusts {@code logits[from, from + vocab)} in place; {@code generated} are the sequence's new tokens so far. */
    static void apply(float[] logits, int from, int vocab, GenerationConfig cfg, long[] generated) {
        if (!active(cfg)) return;
        for (Map.Entry<Integer, Double> e : cfg.logitBias().entrySet()) {
            int id = e.getKey();
            if (id >= vocab) throw new IllegalArgumentException("logit bias for token id " + id + ", vocabulary " + vocab);
            logits[from + id] = (float) (logits[from + id] + e.getValue());
        }
        if (cfg.presencePenalty() == 0 && cfg.frequencyPenalty() == 0) return;
        Map<Integer, Integer> counts = new HashMap<>();
        for (long id : generated) counts.merge((int) id, 1, Integer::sum);
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int at = from + e.getKey();
            logits[at] = (float) (logits[at] - e.getValue() * cfg.frequencyPenalty() - cfg.presencePenalty());
        }
    }
}
