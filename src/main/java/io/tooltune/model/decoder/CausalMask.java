package io.tooltune.model.decoder;

/**
 * Positions and the additive attention bias of one forward pass, from the attention mask of the cached and new
 * tokens. Positions are those of transformers' generate: {@code cumsum(mask) - 1}, and 1 on pads (with right
 * padding the real tokens get 0..n-1, as when no position ids are passed). A query sees the keys at or before it
 * that are not pads and, with a sliding window, fewer than {@code window} of its sequence's tokens back (counted in
 * tokens, not columns: the continuous engine's rows have masked columns between their tokens).
 *
 * <p>A mask may also number packed sequences (1, 1, 2, 2, 2, 0 for pads): positions then restart at each
 * sequence and a token sees only keys of its own sequence, so each sequence is computed as if alone.
 *
 * @param positions [B*T] row-major
 * @param bias      [B*1*T*(past+T)] row-major: 0 where visible, {@code hidden} elsewhere
 */
record CausalMask(long[] positions, float[] bias) {

    static CausalMask of(long[] fullMask, int batch, int past, int length, int window, float hidden) {
        int total = past + length;
        long[] positions = new long[batch * length];
        float[] bias = new float[batch * length * total];
        long[] index = new long[total];
        for (int r = 0; r < batch; r++) {
            int rowStart = r * total;
            long realSoFar = 0;
            long sequence = 0;
            for (int key = 0; key < total; key++) {
                long id = fullMask[rowStart + key];
                if (id != 0 && id != sequence) {
                    sequence = id;
                    realSoFar = 0;
                }
                if (id != 0) realSoFar++;
                index[key] = id != 0 ? realSoFar - 1 : -1;
                if (key >= past) positions[r * length + key - past] = id != 0 ? realSoFar - 1 : 1;
            }
            for (int i = 0; i < length; i++) {
                int query = past + i;
                long own = fullMask[rowStart + query];
                int out = (r * length + i) * total;
                for (int key = 0; key < total; key++) {
                    long id = fullMask[rowStart + key];
                    boolean visible = key <= query && id != 0 && (own == 0 || id == own)
                            && (window <= 0 || index[query] - index[key] < window);
                    if (!visible) bias[out + key] = hidden;
                }
            }
        }
        return new CausalMask(positions, bias);
    }

    /** The most tokens (not pads) any row of {@code fullMask} ({@code [batch, total]} row-major) holds. */
    static int longestRow(long[] fullMask, int batch, int total) {
        int longest = 0;
        for (int r = 0; r < batch; r++) {
            int n = 0;
            for (int j = r * total; j < (r + 1) * total; j++) if (fullMask[j] != 0) n++;
            longest = Math.max(longest, n);
        }
        return longest;
    }

    /** No key is hidden from any query (a single decode step without pads or window cuts). */
    boolean hidesNothing() {
        for (float v : bias) if (v != 0) return false;
        return true;
    }
}
