package io.tooltune.generate;

import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Format-safe decoding of a ReAct reply's function name: once the reply has written {@code Action:}, the next tokens
 * may only spell one of the offered names (after an optional space) and the newline that ends the line; before and
 * after, decoding is free. ToolBench decodes freely, and a small model then calls functions that were never offered;
 * this keeps its choice among those that were, and leaves the choice itself to the model's logits. One instance per
 * sequence: it keeps the sequence's text (its tokens' texts, concatenated).
 */
public final class FunctionNameConstraint implements TokenConstraint {
    static final String MARK = "Action:";
    private final String[] tokenTexts;
    private final List<String> targets = new ArrayList<>();
    /** The sequence's text so far, its tokens' texts concatenated. */
    private final StringBuilder generated = new StringBuilder();

    /** @param tokenTexts each token id's text, from {@link #tokenTexts(Tokenizer, int)} (computed once per model) */
    public FunctionNameConstraint(String[] tokenTexts, Collection<String> names) {
        this.tokenTexts = tokenTexts;
        for (String n : names) {
            targets.add(" " + n + "\n");
            targets.add(n + "\n");
        }
    }

    /** The text of every token id below {@code vocabSize} on its own (special tokens included, as the model sees them). */
    public static String[] tokenTexts(Tokenizer tokenizer, int vocabSize) {
        String[] out = new String[vocabSize];
        for (int id = 0; id < vocabSize; id++) out[id] = tokenizer.decode(new long[] {id}, false);
        return out;
    }

    /**
     * The tokens allowed to follow {@code generated} (the reply so far), or null where decoding is free: before the
     * mark, once the name's line is complete, and (so that decoding never dead-ends) when the text after the mark is
     * not on the way to any offered name.
     */
    public BitSet allowedAfter(String generated) {
        int at = generated.indexOf(MARK);
        if (at < 0) return null;
        String partial = generated.substring(at + MARK.length());
        if (partial.indexOf('\n') >= 0) return null;
        BitSet allowed = new BitSet(tokenTexts.length);
        for (int id = 0; id < tokenTexts.length; id++) {
            String t = tokenTexts[id];
            if (t.isEmpty()) continue;
            for (String target : targets) {
                if (target.length() >= partial.length() + t.length() && target.startsWith(t, partial.length())
                        && target.startsWith(partial)) {
                    allowed.set(id);
                    break;
                }
            }
        }
        return allowed.isEmpty() ? null : allowed;
    }

    @Override
    public BitSet allowed(int tokensLeft) {
        return allowedAfter(generated.toString());
    }

    @Override
    public void accept(int tokenId) {
        generated.append(tokenTexts[tokenId]);
    }
}
