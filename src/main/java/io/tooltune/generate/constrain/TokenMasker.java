package io.tooltune.generate.constrain;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token-level mask of constrained decoding: which token ids may come next so that the text stays a valid prefix
 * (for ids whose text keeps the matcher alive) or ends here (the end-of-sequence id, exactly when the matcher is
 * complete). Made once per vocabulary; masks are cached per matcher state, which repeat often (every character of a
 * string body, every digit of a number), so most decoding steps cost a map lookup and a copy.
 *
 * <p>Left out of every mask: the special ids given, empty texts, and texts holding U+FFFD. The latter are the byte
 * fragments of byte-level BPE (a token that is part of a multi-byte character decodes alone to U+FFFD), so non-ASCII
 * characters are written by the tokens that hold whole characters; a schema that needs a character no token holds
 * whole (in an enum value, say) can dead-end.
 */
public final class TokenMasker {
    /** Masks kept by default: 4,096 of 50k-token vocabularies take about 26 MB. */
    public static final int DEFAULT_CACHED_MASKS = 4096;
    private static final char REPLACEMENT = '\uFFFD';

    private final VocabularyTrie trie;
    private final int vocabSize;
    private final int eosId;
    private final int maxCached;
    private final Map<MatchState, BitSet> cache = new ConcurrentHashMap<>();

    /**
     * @param tokenTexts each id's text on its own (see FunctionNameConstraint.tokenTexts)
     * @param specialIds ids never allowed as text (their text, such as {@code </s>}, is not what they mean)
     * @param eosId the id allowed exactly when the document is complete
     */
    public TokenMasker(String[] tokenTexts, BitSet specialIds, int eosId) {
        this(tokenTexts, specialIds, eosId, DEFAULT_CACHED_MASKS);
    }

    /** @param maxCachedMasks masks kept (0: none, every mask is computed) */
    public TokenMasker(String[] tokenTexts, BitSet specialIds, int eosId, int maxCachedMasks) {
        BitSet skip = (BitSet) specialIds.clone();
        skip.set(eosId);
        for (int id = 0; id < tokenTexts.length; id++) {
            if (tokenTexts[id] != null && tokenTexts[id].indexOf(REPLACEMENT) >= 0) skip.set(id);
        }
        this.trie = new VocabularyTrie(tokenTexts, skip);
        this.vocabSize = tokenTexts.length;
        this.eosId = eosId;
        this.maxCached = maxCachedMasks;
    }

    /** The ids allowed next, a new BitSet the caller may change. */
    public BitSet allowed(Matcher matcher) {
        MatchState s = matcher.state();
        BitSet mask = cache.get(s);
        if (mask == null) {
            mask = compute(s);
            if (maxCached == 0) return mask;
            if (cache.size() >= maxCached) cache.clear();
            cache.put(s, mask);
        }
        return (BitSet) mask.clone();
    }

    /** The end-of-sequence id, allowed exactly when the document is complete. */
    public int eosId() {
        return eosId;
    }

    /**
     * Clears from {@code mask} (ids allowed after {@code matcher}) those after which the document can no longer end
     * within {@code tokensLeft} tokens, this one included (see {@link Matcher#tokensToEnd()}), so that a sequence
     * about to run out of tokens closes its document instead. Leaves the mask as it is when that would empty it.
     */
    public void keepFinishable(Matcher matcher, BitSet mask, int tokensLeft) {
        BitSet keep = walk(matcher.state(), tokensLeft - 1);
        keep.and(mask);
        if (keep.isEmpty()) return;
        mask.clear();
        mask.or(keep);
    }

    /** Walks the prefix tree from state {@code s} (see {@link VocabularyTrie} for the subtrees it skips or takes whole). */
    BitSet compute(MatchState s) {
        return walk(s, Integer.MAX_VALUE);
    }

    /** {@link #compute}, keeping only the tokens after which the document can end within {@code within} tokens. */
    private BitSet walk(MatchState s, int within) {
        boolean all = within == Integer.MAX_VALUE;
        BitSet mask = new BitSet(vocabSize);
        if (s.accepting) mask.set(eosId);
        MatchState[] at = new MatchState[trie.maxDepth + 1];
        at[0] = s;
        char[] label = trie.label;
        int[] depth = trie.depth, subtreeEnd = trie.subtreeEnd, tokenStart = trie.tokenStart, tokenIds = trie.tokenIds;
        int n = trie.nodeCount();
        int i = 1;
        while (i < n) {
            MatchState from = at[depth[i] - 1];
            MatchState next = from.next(label[i]);
            if (next.isDead()) {
                i = subtreeEnd[i];
                continue;
            }
            // a self-loop is rare but for string bodies; there a subtree of plain characters is allowed whole
            if (next == from && trie.plainSubtree(i) && from.loopsOnPlain()) {
                if (all || from.tokensToEnd() <= within) {
                    for (int k = tokenStart[i]; k < tokenStart[subtreeEnd[i]]; k++) mask.set(tokenIds[k]);
                }
                i = subtreeEnd[i];
                continue;
            }
            at[depth[i]] = next;
            if (all || next.tokensToEnd() <= within) {
                for (int k = tokenStart[i]; k < tokenStart[i + 1]; k++) mask.set(tokenIds[k]);
            }
            i++;
        }
        return mask;
    }
}
