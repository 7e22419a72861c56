package io.tooltune.train;

import io.tooltune.model.ModelConfig;
import io.tooltune.tokenizer.Tokenizer;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tokens that end a reply (end of sequence, and the end-of-turn markers of chat templates), and the check that
 * the data teaches at least one of them: without a labelled one the model never learns to stop (what TRL does
 * when the pad token is the EOS token and every EOS label is masked as padding).
 */
public final class StopTokens {
    /** Chat templates' end-of-turn markers, used when the tokenizer has them as single tokens. */
    private static final List<String> END_OF_TURN = List.of("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>");

    private StopTokens() {}

    /** The model's EOS ids and the end-of-turn markers its tokenizer knows. */
    public static Set<Integer> of(ModelConfig config, Tokenizer tokenizer) {
        Set<Integer> ids = new TreeSet<>(config.eosTokenIds());
        for (String marker : END_OF_TURN) {
            long[] t = tokenizer.encode(marker, false);
            if (t.length == 1 && tokenizer.decode(t, false).equals(marker)) ids.add((int) t[0]);
        }
        return ids;
    }

    /** How many examples have a stop token among their targets. */
    public static int examplesLabelled(List<SftExample> data, Set<Integer> stop) {
        int n = 0;
        for (SftExample e : data) {
            for (int t = 1; t < e.length(); t++) {
                if (e.isTarget(t) && stop.contains(e.labels()[t])) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
