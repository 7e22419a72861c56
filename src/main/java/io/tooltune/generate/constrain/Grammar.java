package io.tooltune.generate.constrain;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled character grammar, matched as llama.cpp matches GBNF: a set of pushdown stacks advanced one character at
 * a time. States are interned and their transitions cached per equivalence class of characters (characters no
 * class of the grammar tells apart share one transition), so after warm-up a step is two array reads. Thread-safe:
 * concurrent steps may compute one transition twice, but interning makes them agree.
 */
public final class Grammar {
    private static final int MAX_EXPANSION_DEPTH = 10_000;
    private static final int MAX_INTERNED = 200_000;

    private final char[] classOf = new char[Character.MAX_VALUE + 1];
    private final int classCount;
    /** The first character of each class holding plain JSON string characters. */
    private final char[] plainClassFirsts;
    private final Map<StateKey, MatchState> interned = new ConcurrentHashMap<>();
    private final MatchState initial;

    Grammar(Rule root) {
        BitSet cuts = new BitSet(Character.MAX_VALUE + 2);
        measure(collectClasses(root, cuts));
        int k = 0;
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            if (c > 0 && cuts.get(c)) k++;
            classOf[c] = (char) k;
        }
        classCount = k + 1;
        StringBuilder firsts = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            int end = c;
            while (end < Character.MAX_VALUE && classOf[end + 1] == classOf[c]) end++;
            if (JsonRules.PLAIN.intersects((char) c, (char) end)) firsts.append((char) c);
            c = end;
        }
        plainClassFirsts = firsts.toString().toCharArray();
        Set<Frame> frames = new LinkedHashSet<>();
        boolean accepting = expand(new Frame(new Element[] {root}, 0, null), frames, 0);
        initial = intern(frames, accepting);
    }

    /** A fresh matcher at the start of the document. */
    public Matcher matcher() {
        return new Matcher(initial);
    }

    int classCount() {
        return classCount;
    }

    int classOf(char c) {
        return classOf[c];
    }

    /** Number of distinct states met so far (for tests and benchmarks). */
    public int stateCount() {
        return interned.size();
    }

    /** Whether every plain JSON string character takes {@code s} back to itself (characters of a class agree). */
    boolean loopsOnPlain(MatchState s) {
        if (s.frames.length == 0) return false;
        for (char c : plainClassFirsts) if (s.next(c) != s) return false;
        return true;
    }

    MatchState step(MatchState from, char c) {
        Set<Frame> frames = new LinkedHashSet<>();
        boolean accepting = false;
        for (Frame f : from.frames) {
            if (((CharClass) f.alt[f.index]).contains(c)) accepting |= expand(f.advanced(), frames, 0);
        }
        return intern(frames, accepting);
    }

    /** Adds to {@code out} the frames reachable from {@code f} that are topped by a character class; true if the
     * document may end (an emptied stack) on the way. */
    private static boolean expand(Frame f, Set<Frame> out, int depth) {
        if (f == null) return true;
        if (depth > MAX_EXPANSION_DEPTH) throw new IllegalStateException("left-recursive grammar at " + f.alt[f.index]);
        if (f.alt[f.index] instanceof CharClass) {
            out.add(f);
            return false;
        }
        Rule r = (Rule) f.alt[f.index];
        Frame continuation = f.advanced();
        boolean accepting = false;
        for (Element[] a : r.alternatives()) {
            accepting |= expand(a.length == 0 ? continuation : new Frame(a, 0, continuation), out, depth + 1);
        }
        return accepting;
    }

    /**
     * The fewest tokens that end the document from {@code s}, counting one per character (single characters are
     * tokens) and one for the end of sequence (0 once finished): the shortest way to empty one of its stacks, from
     * the rules' shortest texts. An upper bound: the end of sequence is counted where the ending may finish the
     * document without one.
     */
    int tokensToEnd(MatchState s) {
        if (s.isFinished()) return 0;
        int best = s.accepting ? 1 : Rule.NO_END;
        for (Frame f : s.frames) best = Math.min(best, f.remaining() + 1);
        return best;
    }

    private record StateKey(Set<Frame> frames, boolean accepting) {}

    private MatchState intern(Set<Frame> frames, boolean accepting) {
        StateKey key = new StateKey(frames, accepting);
        MatchState s = interned.get(key);
        if (s != null) return s;
        if (interned.size() > MAX_INTERNED) interned.clear();
        MatchState made = new MatchState(this, frames.toArray(Frame[]::new), accepting);
        s = interned.putIfAbsent(key, made);
        return s == null ? made : s;
    }

    /** Sets every rule's {@link Rule#minLength}, by iterating to the fixed point. */
    private static void measure(Set<Rule> rules) {
        for (boolean changed = true; changed; ) {
            changed = false;
            for (Rule r : rules) {
                int best = Rule.NO_END;
                for (Element[] alt : r.alternatives()) best = Math.min(best, Rule.minLength(alt, 0));
                if (best < r.minLength) {
                    r.minLength = best;
                    changed = true;
                }
            }
        }
    }

    /** Adds the boundaries of every character class under {@code root} to {@code cuts}; returns the rules met. */
    private static Set<Rule> collectClasses(Rule root, BitSet cuts) {
        Set<Rule> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Rule> todo = new ArrayDeque<>(List.of(root));
        seen.add(root);
        while (!todo.isEmpty()) {
            for (Element[] alt : todo.pop().alternatives()) {
                for (Element e : alt) {
                    if (e instanceof CharClass cc) cc.addBoundaries(cuts);
                    else if (e instanceof Rule r && seen.add(r)) todo.push(r);
                }
            }
        }
        return seen;
    }
}
