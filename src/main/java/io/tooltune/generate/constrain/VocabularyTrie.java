package io.tooltune.generate.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The usable token texts of a vocabulary as a prefix tree, stored in depth-first order: node {@code i} reads the
 * character {@code label[i]} after its parent, its subtree ends before {@code subtreeEnd[i]}, and the tokens whose
 * whole text it spells are {@code tokenIds[tokenStart[i] .. tokenStart[i + 1])}, so a subtree's tokens are
 * {@code tokenIds[tokenStart[i] .. tokenStart[subtreeEnd[i]])}. A walk shares the work of common prefixes and skips a
 * whole subtree at once when its first character is rejected, or takes it whole when it only holds plain string
 * characters and the state reads those without changing (inside a JSON string).
 */
final class VocabularyTrie {
    final char[] label;
    final int[] depth;
    final int[] subtreeEnd;
    final int[] tokenStart;
    final int[] tokenIds;
    final int maxDepth;
    /** Nodes before {@code i} whose label is not a plain JSON string character (prefix sums). */
    private final int[] nonPlainBefore;

    /** @param texts every token id's text; the ids in {@code skip} and those with an empty text are left out */
    VocabularyTrie(String[] texts, BitSet skip) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < texts.length; id++) if (!skip.get(id) && texts[id] != null && !texts[id].isEmpty()) ids.add(id);
        ids.sort(Comparator.comparing((Integer id) -> texts[id]).thenComparing(id -> id));
        // sorted texts: each text's new nodes are the characters after its common prefix with the previous text
        List<Character> labels = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        int[] tokenNode = new int[ids.size()];
        labels.add('\0');
        depths.add(0);
        int[] pathNode = new int[1];
        String prev = "";
        int longest = 0;
        for (int k = 0; k < ids.size(); k++) {
            String t = texts[ids.get(k)];
            int common = 0;
            while (common < prev.length() && common < t.length() && prev.charAt(common) == t.charAt(common)) common++;
            if (pathNode.length < t.length() + 1) pathNode = Arrays.copyOf(pathNode, Math.max(t.length() + 1, pathNode.length * 2));
            for (int d = common; d < t.length(); d++) {
                pathNode[d + 1] = labels.size();
                labels.add(t.charAt(d));
                depths.add(d + 1);
            }
            tokenNode[k] = pathNode[t.length()];
            longest = Math.max(longest, t.length());
            prev = t;
        }
        int n = labels.size();
        label = new char[n];
        depth = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = labels.get(i);
            depth[i] = depths.get(i);
        }
        subtreeEnd = new int[n];
        int[] open = new int[longest + 2];
        int top = -1;
        for (int i = 0; i < n; i++) {
            while (top >= 0 && depth[open[top]] >= depth[i]) subtreeEnd[open[top--]] = i;
            open[++top] = i;
        }
        while (top >= 0) subtreeEnd[open[top--]] = n;
        tokenStart = new int[n + 1];
        for (int node : tokenNode) tokenStart[node + 1]++;
        for (int i = 0; i < n; i++) tokenStart[i + 1] += tokenStart[i];
        tokenIds = new int[ids.size()];
        int[] fill = Arrays.copyOf(tokenStart, n);
        for (int k = 0; k < ids.size(); k++) tokenIds[fill[tokenNode[k]]++] = ids.get(k);
        maxDepth = longest;
        nonPlainBefore = new int[n + 1];
        for (int i = 0; i < n; i++) nonPlainBefore[i + 1] = nonPlainBefore[i] + (JsonRules.PLAIN.contains(label[i]) ? 0 : 1);
    }

    /** Whether every label in node {@code i}'s subtree, its own included, is a plain JSON string character. */
    boolean plainSubtree(int i) {
        return nonPlainBefore[subtreeEnd[i]] == nonPlainBefore[i];
    }

    int nodeCount() {
        return label.length;
    }
}
