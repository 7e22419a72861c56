package io.tooltune.generate.constrain;

/**
 * A matcher state: the set of stacks still alive, each topped by a character class, and whether the document may
 * end here. States are interned per grammar, so equal states are the same object (masks are cached by identity), and
 * each keeps its transitions per character class of the grammar.
 */
final class MatchState {
    final Grammar grammar;
    final Frame[] frames;
    final boolean accepting;
    private final MatchState[] next;
    /** 0: not known yet, 1: every plain string character leads back here (a string body), 2: not. */
    private volatile byte plainLoop;
    /** {@link #tokensToEnd()}, once known (-1: not yet). */
    private volatile int toEnd = -1;

    MatchState(Grammar grammar, Frame[] frames, boolean accepting) {
        this.grammar = grammar;
        this.frames = frames;
        this.accepting = accepting;
        this.next = new MatchState[grammar.classCount()];
    }

    /** The state after reading {@code c}; {@link #isDead()} when {@code c} cannot follow. */
    MatchState next(char c) {
        int k = grammar.classOf(c);
        MatchState s = next[k];
        if (s == null) {
            s = grammar.step(this, c);
            next[k] = s;
        }
        return s;
    }

    /** Whether reading any plain JSON string character leaves this state as it is (inside a string's body). */
    boolean loopsOnPlain() {
        byte known = plainLoop;
        if (known == 0) {
            known = grammar.loopsOnPlain(this) ? (byte) 1 : (byte) 2;
            plainLoop = known;
        }
        return known == 1;
    }

    /** The fewest tokens that end the document from here (see {@link Grammar#tokensToEnd}), cached. */
    int tokensToEnd() {
        int known = toEnd;
        if (known < 0) {
            known = grammar.tokensToEnd(this);
            toEnd = known;
        }
        return known;
    }

    boolean isDead() {
        return frames.length == 0 && !accepting;
    }

    /** No stack wants more characters: the document is finished. */
    boolean isFinished() {
        return frames.length == 0;
    }
}
