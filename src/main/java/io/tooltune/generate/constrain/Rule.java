package io.tooltune.generate.constrain;

import java.util.ArrayList;
import java.util.List;

/**
 * A grammar rule: alternatives, each a sequence of elements (an empty one matches nothing). Rules may refer to
 * themselves or each other, except in first position (no left recursion); repetition is right recursion, which the
 * matcher runs in constant stack depth.
 */
final class Rule implements Element {
    final String name;
    private final List<Element[]> alternatives = new ArrayList<>();
    /** The length of the shortest text the rule matches ({@link Grammar} sets it; a rule matching nothing finite:
     * {@link #NO_END}). */
    int minLength = NO_END;
    static final int NO_END = Integer.MAX_VALUE / 4;

    Rule(String name) {
        this.name = name;
    }

    /** Adds an alternative made of elements, literal strings and arrays of those, concatenated in order. */
    Rule alt(Object... parts) {
        alternatives.add(seq(parts));
        return this;
    }

    List<Element[]> alternatives() {
        return alternatives;
    }

    /** The shortest text length of {@code alt[from..]}. */
    static int minLength(Element[] alt, int from) {
        long n = 0;
        for (int k = from; k < alt.length; k++) n += alt[k] instanceof Rule r ? r.minLength : 1;
        return (int) Math.min(n, NO_END);
    }

    static Element[] seq(Object... parts) {
        List<Element> out = new ArrayList<>();
        addAll(parts, out);
        return out.toArray(Element[]::new);
    }

    private static void addAll(Object[] parts, List<Element> out) {
        for (Object p : parts) {
            switch (p) {
                case Element e -> out.add(e);
                case String s -> {
                    for (int i = 0; i < s.length(); i++) out.add(CharClass.of(s.charAt(i)));
                }
                case Object[] nested -> addAll(nested, out);
                default -> throw new IllegalArgumentException("not a grammar part: " + p);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
