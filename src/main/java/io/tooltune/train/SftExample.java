package io.tooltune.train;

/**
 * One training example: token ids and their labels (-100 = no loss), same length. A packed row holds several
 * examples: {@code sequences[t]} numbers the example of token t (1, 1, 2, 2, ...), null for a single example.
 */
public record SftExample(String id, int[] inputIds, int[] labels, int[] sequences) {
    public static final int IGNORE = -100;

    public SftExample(String id, int[] inputIds, int[] labels) {
        this(id, inputIds, labels, null);
    }

    public int length() {
        return inputIds.length;
    }

    /** Whether token {@code t}'s label is a target of token t−1 (the causal shift stays inside one example). */
    public boolean isTarget(int t) {
        return t > 0 && labels[t] != IGNORE && (sequences == null || sequences[t] == sequences[t - 1]);
    }

    /** The sequence number of token {@code t} for the attention mask: 1 unless packed. */
    public int sequence(int t) {
        return sequences == null ? 1 : sequences[t];
    }

    /** Tokens that carry loss after the causal shift (an example's first token is never a target). */
    public int labelTokens() {
        int n = 0;
        for (int i = 1; i < labels.length; i++) if (isTarget(i)) n++;
        return n;
    }
}
