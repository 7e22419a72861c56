package io.tooltune.generate.constrain;

import java.util.Arrays;
import java.util.BitSet;

/** A set of UTF-16 code units, as sorted, disjoint, inclusive ranges {@code lo0, hi0, lo1, hi1, ...}. */
final class CharClass implements Element {
    private final char[] ranges;

    private CharClass(char[] ranges) {
        this.ranges = ranges;
    }

    static CharClass of(char c) {
        return new CharClass(new char[] {c, c});
    }

    static CharClass range(char lo, char hi) {
        return new CharClass(new char[] {lo, hi});
    }

    /** The characters of {@code chars} (any order, duplicates allowed). */
    static CharClass anyOf(String chars) {
        char[] sorted = chars.toCharArray();
        Arrays.sort(sorted);
        StringBuilder r = new StringBuilder();
        for (char c : sorted) {
            int n = r.length();
            if (n > 0 && (r.charAt(n - 1) == c || r.charAt(n - 1) + 1 == c)) r.setCharAt(n - 1, c);
            else r.append(c).append(c);
        }
        return new CharClass(r.toString().toCharArray());
    }

    /** Every character in {@code [lo, hi]} except those of {@code excluded}. */
    static CharClass rangeExcept(char lo, char hi, String excluded) {
        char[] ex = excluded.toCharArray();
        Arrays.sort(ex);
        StringBuilder r = new StringBuilder();
        int from = lo;
        for (char c : ex) {
            if (c < from || c > hi) continue;
            if (c > from) r.append((char) from).append((char) (c - 1));
            from = c + 1;
        }
        if (from <= hi) r.append((char) from).append(hi);
        return new CharClass(r.toString().toCharArray());
    }

    /** The union of two classes. */
    CharClass or(CharClass other) {
        int n = (ranges.length + other.ranges.length) / 2;
        int[][] all = new int[n][];
        int k = 0;
        for (CharClass cc : new CharClass[] {this, other}) {
            for (int i = 0; i < cc.ranges.length; i += 2) all[k++] = new int[] {cc.ranges[i], cc.ranges[i + 1]};
        }
        Arrays.sort(all, (a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder r = new StringBuilder();
        int lo = -1, hi = -2;
        for (int[] range : all) {
            if (range[0] <= hi + 1) {
                hi = Math.max(hi, range[1]);
                continue;
            }
            if (lo >= 0) r.append((char) lo).append((char) hi);
            lo = range[0];
            hi = range[1];
        }
        if (lo >= 0) r.append((char) lo).append((char) hi);
        return new CharClass(r.toString().toCharArray());
    }

    boolean contains(char c) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (c < ranges[i]) return false;
            if (c <= ranges[i + 1]) return true;
        }
        return false;
    }

    boolean intersects(char lo, char hi) {
        for (int i = 0; i < ranges.length; i += 2) if (ranges[i] <= hi && lo <= ranges[i + 1]) return true;
        return false;
    }

    /** Adds {@code lo} and {@code hi + 1} of each range: the points where membership can change. */
    void addBoundaries(BitSet cuts) {
        for (int i = 0; i < ranges.length; i += 2) {
            cuts.set(ranges[i]);
            cuts.set(ranges[i + 1] + 1);
        }
    }
}
