package io.tooltune.generate;

import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.Matcher;
import io.tooltune.generate.constrain.TokenMasker;

import java.util.BitSet;

/**
 * Decoding within a grammar: a matcher fed each picked token's text, and the masker's mask for its state (the end of
 * sequence allowed exactly when the document is complete; the sequence stops when it is finished or ends). Near the
 * token limit the mask keeps only tokens after which the document can still be closed in the tokens left, so a
 * sequence given enough tokens for the shortest ending always ends valid instead of being cut.
 */
public final class GrammarConstraint implements TokenConstraint {
    /** Tokens of slack before the limit at which closing starts: a single token may lengthen the shortest ending. */
    static final int CLOSING_MARGIN = 16;
    private final Matcher matcher;
    private final TokenMasker masker;
    private final String[] tokenTexts;
    private boolean ended;

    /** @param tokenTexts each id's text on its own, as the masker was made from */
    public GrammarConstraint(Grammar grammar, TokenMasker masker, String[] tokenTexts) {
        this.matcher = grammar.matcher();
        this.masker = masker;
        this.tokenTexts = tokenTexts;
    }

    @Override
    public BitSet allowed(int tokensLeft) {
        BitSet mask = masker.allowed(matcher);
        // a complete document may go on (another parallel call): only where that can still be closed in time
        if (matcher.isComplete() || matcher.tokensToEnd() + CLOSING_MARGIN >= tokensLeft) {
            masker.keepFinishable(matcher, mask, tokensLeft);
        }
        return mask;
    }

    @Override
    public void accept(int tokenId) {
        // a token outside the grammar is only picked at a dead end (an empty mask leaves decoding free): stop there
        if (tokenId == masker.eosId() || !matcher.advance(tokenTexts[tokenId])) ended = true;
    }

    @Override
    public boolean finished() {
        return ended || matcher.isFinished();
    }

    /** Whether the text so far is a whole document of the grammar. */
    public boolean isComplete() {
        return matcher.isComplete();
    }
}
