package io.tooltune.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The log-softmax of one row of logits at the chosen token and at the {@code top} highest entries. Logits at minus
 * infinity (masked) have no probability and are never listed. The sampler scores the logits it picks from: after
 * constraint masks, logit bias and penalties, before temperature. That is the distribution OpenAI reports (its
 * returned log-probabilities move with logit_bias) and vLLM's "processed_logprobs" mode without temperature; vLLM's
 * default ("raw_logprobs") scores the model's logits before any adjustment.
 */
record TokenScores(int tokenId, double logprob, int[] topIds, double[] topLogprobs) {

    static TokenScores of(float[] logits, int from, int vocab, int chosen, int top) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = from; j < from + vocab; j++) max = Math.max(max, logits[j]);
        double sum = 0;
        for (int j = from; j < from + vocab; j++) sum += Math.exp(logits[j] - max);
        double logZ = max + Math.log(sum);
        int[] ids = highest(logits, from, vocab, top);
        double[] lps = new double[ids.length];
        for (int k = 0; k < ids.length; k++) lps[k] = logits[from + ids[k]] - logZ;
        return new TokenScores(chosen, logits[from + chosen] - logZ, ids, lps);
    }

    /** With texts from {@code text}, and {@code textEnd} as {@link TokenLogprob#textEnd()}. */
    TokenLogprob named(IntFunction<String> text, int textEnd) {
        List<TokenLogprob.Alternative> alternatives = new ArrayList<>();
        for (int k = 0; k < topIds.length; k++) {
            alternatives.add(new TokenLogprob.Alternative(topIds[k], text.apply(topIds[k]), topLogprobs[k]));
        }
        return new TokenLogprob(tokenId, text.apply(tokenId), logprob, alternatives, textEnd);
    }

    /** The ids of the {@code n} highest finite logits, highest first, ties by lower id (one pass, insertion into n). */
    private static int[] highest(float[] logits, int from, int vocab, int n) {
        int[] ids = new int[Math.min(n, vocab)];
        int size = 0;
        for (int j = 0; j < vocab && ids.length > 0; j++) {
            float v = logits[from + j];
            if (v == Float.NEGATIVE_INFINITY || Float.isNaN(v)) continue;
            if (size == ids.length && v <= logits[from + ids[size - 1]]) continue;
            int at = size == ids.length ? size - 1 : size++;
            while (at > 0 && v > logits[from + ids[at - 1]]) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = j;
        }
        return size == ids.length ? ids : Arrays.copyOf(ids, size);
    }
}
