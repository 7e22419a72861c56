package io.tooltune.generate;

import java.util.List;

/**
 * One generated token's log-probability and the most likely alternatives at its step (highest first, ties by id),
 * from the log-softmax of the logits the sampler picked from: after constraint masks, logit bias and penalties,
 * before temperature, top-k and top-p (see {@link TokenScores}). {@code token} is the id's text on its own (special
 * tokens as written; a piece of a multi-byte character decodes to U+FFFD). {@code textEnd} is where the sequence's
 * text ends once this token is decoded with the ones before it, so the tokens behind a span of the text can be found.
 */
public record TokenLogprob(int tokenId, String token, double logprob, List<Alternative> top, int textEnd) {
    public TokenLogprob {
        top = List.copyOf(top);
    }

    /** A candidate at the same step. */
    public record Alternative(int tokenId, String token, double logprob) {}
}
