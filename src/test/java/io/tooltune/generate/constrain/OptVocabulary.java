package io.tooltune.generate.constrain;

import io.tooltune.Shared;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.tokenizer.Tokenizer;

import java.util.BitSet;

/** The OPT fixture tokenizer's 50,272 token texts, their mask maker and a random walker, loaded once for all tests. */
final class OptVocabulary {
    static final int VOCAB_SIZE = 50_272, EOS = 2;
    private static String[] texts;
    private static TokenMasker masker;
    private static RandomWalk walker;

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

    static synchronized RandomWalk walker() {
        if (walker == null) walker = new RandomWalk(texts(), masker(), EOS);
        return walker;
    }
}
