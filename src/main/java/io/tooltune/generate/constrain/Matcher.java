package io.tooltune.generate.constrain;

/**
 * An incremental matcher over a {@link Grammar}: reads text one character at a time and says whether it is still the
 * prefix of some document of the grammar. A rejected character or string leaves the matcher unchanged. Copies are
 * free (the state is an immutable, interned value), so token candidates are tested on copies.
 */
public final class Matcher {
    private MatchState state;

    Matcher(MatchState state) {
        this.state = state;
    }

    /** Reads {@code c}; false (and no change) if the text would no longer be a valid prefix. */
    public boolean advance(char c) {
        MatchState n = state.next(c);
        if (n.isDead()) return false;
        state = n;
        return true;
    }

    /** Reads all of {@code text}; false (and no change) if any prefix of it is rejected. */
    public boolean advance(CharSequence text) {
        MatchState s = state;
        for (int i = 0; i < text.length(); i++) {
            s = s.next(text.charAt(i));
            if (s.isDead()) return false;
        }
        state = s;
        return true;
    }

    /** Whether the text read so far is a whole document (it may still go on, as a number may). */
    public boolean isComplete() {
        return state.accepting;
    }

    /** Whether the document is complete and nothing more can be read. */
    public boolean isFinished() {
        return state.isFinished();
    }

    /**
     * The fewest tokens that end the document from here, counting a token per character and one for the end of
     * sequence (0 once finished): an upper bound on what a vocabulary with single-character tokens needs.
     */
    public int tokensToEnd() {
        return state.tokensToEnd();
    }

    public Matcher copy() {
        return new Matcher(state);
    }

    MatchState state() {
        return state;
    }
}
