package io.tooltune.generate.constrain;

import io.tooltune.Shared;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.tokenizer.Tokenizer;

import java.util.BitSet;
import java.util.Random;

/** The OPT fixture tokenizer's 50,272 token texts (loaded once) and random walks of constrained decoding over them. */
final class OptVocabulary {
    static final int VOCAB_SIZE = 50_272, EOS = 2;
    private static String[] texts;
    private static TokenMasker masker;

    private OptVocabulary() {}

    static synchronized String[] texts() {
        if (texts == null) {
            try (Tokenizer t = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"))) {
                texts = FunctionNameConstraint.tokenTexts(t, VOCAB_SIZE);
            }
        }
        return texts;
    }

    /** OPT's special tokens: {@code <s>}, {@code <pad>}, {@code </s>}, {@code <unk>}. */
    static BitSet specials() {
        BitSet b = new BitSet();
        b.set(0, 4);
        return b;
    }

    static synchronized TokenMasker masker() {
        if (masker == null) masker = new TokenMasker(texts(), specials(), EOS);
        return masker;
    }

    /** What a walk produced: the text, and whether it ended on EOS within the step limit. */
    record Walk(String text, boolean ended) {}

    /**
     * Decodes by picking a random allowed token each step (a fifth of the time among those that hold a closing
     * character, so walks end in reasonable time) until EOS is picked; asserts on the way that the mask is never
     * empty and allows EOS exactly when the matcher is complete.
     */
    static Walk walk(Grammar g, Random rnd, int maxSteps) {
        TokenMasker m = masker();
        String[] texts = texts();
        Matcher matcher = g.matcher();
        StringBuilder out = new StringBuilder();
        for (int step = 0; step < maxSteps; step++) {
            BitSet allowed = m.allowed(matcher);
            if (allowed.isEmpty()) throw new AssertionError("dead end after " + out);
            if (allowed.get(EOS) != matcher.isComplete()) throw new AssertionError("EOS mask wrong after " + out);
            if (matcher.isComplete() && rnd.nextInt(4) == 0) return new Walk(out.toString(), true);
            BitSet pool = allowed;
            if (rnd.nextInt(5) == 0) {
                BitSet closing = new BitSet();
                allowed.stream().filter(id -> id != EOS && texts[id].matches("(?s).*[\"}\\]].*")).forEach(closing::set);
                if (!closing.isEmpty()) pool = closing;
            }
            int id = nth(pool, rnd.nextInt(pool.cardinality()));
            if (id == EOS) return new Walk(out.toString(), true);
            if (!matcher.advance(texts[id])) throw new AssertionError("allowed token " + id + " rejected after " + out);
            out.append(texts[id]);
        }
        return new Walk(out.toString(), false);
    }

    private static int nth(BitSet b, int n) {
        int id = b.nextSetBit(0);
        for (int i = 0; i < n; i++) id = b.nextSetBit(id + 1);
        return id;
    }
}
