package io.tooltune.generate.constrain;

/**
 * One entry of a matcher stack, persistent: the element {@code alt[index]} to match next, then {@code parent} (null:
 * the document ends). Stacks share their tails, so copying a matcher copies nothing.
 */
final class Frame {
    final Element[] alt;
    final int index;
    final Frame parent;
    private final int hash;
    /** {@link #remaining()}, once computed (-1: not yet). */
    private int remaining = -1;

    Frame(Element[] alt, int index, Frame parent) {
        this.alt = alt;
        this.index = index;
        this.parent = parent;
        this.hash = (System.identityHashCode(alt) * 31 + index) * 31 + (parent == null ? 0 : parent.hash);
    }

    /** The frame after this one's element is matched: the next element, or (tail position) the parent. */
    Frame advanced() {
        return index + 1 < alt.length ? new Frame(alt, index + 1, parent) : parent;
    }

    /** The length of the shortest text that empties this stack (see {@link Rule#minLength}). */
    int remaining() {
        int r = remaining;
        if (r < 0) {
            r = (int) Math.min((long) Rule.minLength(alt, index) + (parent == null ? 0 : parent.remaining()), Rule.NO_END);
            remaining = r;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Frame f) || f.hash != hash || f.alt != alt || f.index != index) return false;
        return parent == null ? f.parent == null : parent.equals(f.parent);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
