package io.tooltune.model.decoder;

/**
 * Positions and the additive attention bias of one forward pass, from the attention mask of the cached and new
 * tokens. Positions are those of transformers' generate: {@code cumsum(mask) - 1}, and 1 on pads (with right
 * padding the real tokens get 0..n-1, as when no position ids are passed). A query sees the keys at or before it
 * that are not pads and, with a sliding window, fewer than {@code window} places back.
 *
 * @param positions [B*T] row-major
 * @param bias      [B*1*T*(past+T)] row-major: 0 where visible, {@code hidden} elsewhere
 */
record CausalMask(long[] positions, float[] bias) {

    static CausalMask of(long[] fullMask, int batch, int past, int length, int window, float hidden) {
        int total = past + length;
        long[] positions = new long[batch * length];
        float[] bias = new float[batch * length * total];
        for (int r = 0; r < batch; r++) {
            int rowStart = r * total;
            long realSoFar = 0;
            for (int key = 0; key < total; key++) {
                boolean real = fullMask[rowStart + key] != 0;
                if (real) realSoFar++;
                if (key >= past) positions[r * length + key - past] = real ? realSoFar - 1 : 1;
            }
            for (int i = 0; i < length; i++) {
                int query = past + i;
                int out = (r * length + i) * total;
                for (int key = 0; key < total; key++) {
                    boolean visible = key <= query && fullMask[rowStart + key] != 0 && (window <= 0 || query - key < window);
                    if (!visible) bias[out + key] = hidden;
                }
            }
        }
        return new CausalMask(positions, bias);
    }
}
