package io.tooltune.generate.constrain;

import java.util.BitSet;
import java.util.Random;
import java.util.function.LongConsumer;

/**
 * Constrained decoding with a random "model": each step picks a random token of the mask (a fifth of the time among
 * those holding a closing quote or bracket, so that documents end in reasonable time) until it picks the end of
 * sequence. Checks on the way that the mask is never empty and allows the end exactly when the matcher is complete.
 */
public final class RandomWalk {
    private final String[] texts;
    private final TokenMasker masker;
    private final int eos;
    private final BitSet closing = new BitSet();

    public RandomWalk(String[] texts, TokenMasker masker, int eos) {
        this.texts = texts;
        this.masker = masker;
        this.eos = eos;
        for (int id = 0; id < texts.length; id++) if (texts[id].matches("(?s).*[\"}\\]].*")) closing.set(id);
    }

    /** What a walk produced: the text, whether it ended on the end-of-sequence id, and its number of masks. */
    public record Result(String text, boolean ended, int steps) {}

    /** @param maskNanos told the time each mask took */
    public Result run(Grammar g, Random rnd, int maxSteps, LongConsumer maskNanos) {
        Matcher matcher = g.matcher();
        StringBuilder out = new StringBuilder();
        for (int step = 0; step < maxSteps; step++) {
            long t0 = System.nanoTime();
            BitSet allowed = masker.allowed(matcher);
            maskNanos.accept(System.nanoTime() - t0);
            if (allowed.isEmpty()) throw new AssertionError("dead end after " + out);
            if (allowed.get(eos) != matcher.isComplete()) throw new AssertionError("end-of-sequence mask wrong after " + out);
            if (matcher.isComplete() && rnd.nextInt(4) == 0) return new Result(out.toString(), true, step + 1);
            BitSet pool = allowed;
            if (rnd.nextInt(5) == 0) {
                BitSet closers = (BitSet) closing.clone();
                closers.and(allowed);
                if (!closers.isEmpty()) pool = closers;
            }
            int id = nth(pool, rnd.nextInt(pool.cardinality()));
            if (id == eos) return new Result(out.toString(), true, step + 1);
            if (!matcher.advance(texts[id])) throw new AssertionError("allowed token " + id + " rejected after " + out);
            out.append(texts[id]);
        }
        return new Result(out.toString(), false, maxSteps);
    }

    private static int nth(BitSet b, int n) {
        int id = b.nextSetBit(0);
        for (int i = 0; i < n; i++) id = b.nextSetBit(id + 1);
        return id;
    }
}
