package io.tooltune.train;

/** One training example: token ids and their labels (-100 = no loss), same length. */
public record SftExample(String id, int[] inputIds, int[] labels) {
    public static final int IGNORE = -100;

    public int length() {
        return inputIds.length;
    }

    /** Tokens that carry loss after the causal shift (position 0's label is never a target). */
    public int labelTokens() {
        int n = 0;
        for (int i = 1; i < labels.length; i++) if (labels[i] != IGNORE) n++;
        return n;
    }
}
