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
