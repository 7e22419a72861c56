package io.tooltune.generate;

import java.util.BitSet;

/**
 * What one sequence may generate, as a token mask per step: the {@link Generator} asks for the ids allowed next
 * (the others' logits become minus infinity before temperature, top-k and top-p), then feeds back the id it picked.
 * One instance per sequence: it keeps that sequence's state.
 */
public interface TokenConstraint {
    /**
     * The ids allowed next, or null where decoding is free; {@code tokensLeft} (at least 1) is how many tokens the
     * sequence may still take, this one included.
     */
    BitSet allowed(int tokensLeft);

    /** Reads the id the generator picked (one of those allowed). */
    void accept(int tokenId);

    /** Whether the constrained text is over: the sequence stops (without waiting for an end-of-sequence token). */
    default boolean finished() {
        return false;
    }
}
