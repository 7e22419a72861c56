package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.tooltune.model.CausalLM;
import io.tooltune.model.KvCache;
import io.tooltune.model.SharedPrefix;

import java.util.Arrays;

/**
 * The keys and values of one prompt prefix (a tool-calling system prompt, typically), computed once (or kept from a
 * whole prompt's prefill) and read in place by the caches of the prompts that start the same way
 * ({@link #startCache}), once for all their rows. The prefix is a {@link SharedPrefix}, so moving on to
 * another prompt never frees arrays a running cache still reads. Not thread-safe.
 */
final class PrefixCache implements AutoCloseable {
    /** Shortest shared prompt prefix worth caching (a ToolLLaMA system prompt is several hundred tokens). */
    static final int MIN_PREFIX = 16;
    private final CausalLM model;
    private SharedPrefix shared;

    PrefixCache(CausalLM model) {
        this.model = model;
    }

    /** Leading tokens of {@code prompt} (at most {@code limit}) the cached prefix holds. */
    int match(long[] prompt, int limit) {
        return shared == null ? 0 : shared.match(prompt, limit);
    }

    /**
     * Tokens to take from the cache for prompts that share their first {@code common} tokens with {@code prompt}:
     * the cached prefix when it covers at least 90 % of them, else those tokens newly computed and cached; 0 when
     * fewer than {@link #MIN_PREFIX} are shared.
     */
    int take(long[] prompt, int common) {
        if (common < MIN_PREFIX) return 0;
        int reuse = match(prompt, common);
        if (coversEnough(reuse, common)) return reuse;
        replace(SharedPrefix.compute(model, Arrays.copyOf(prompt, common)));
        return common;
    }

    private static boolean coversEnough(int reuse, int wanted) {
        return reuse >= MIN_PREFIX && reuse * 10L >= wanted * 9L;
    }

    /**
     * Takes over {@code cache} (one row holding all of {@code ids}, its arrays in {@code manager}; both closed by this
     * from now on) so that the next prompts reuse what they share with {@code ids}. When the cache itself started
     * from the cached prefix and that covers at least 90 % of {@code ids}, the prefix stays as it is; otherwise
     * {@code ids} becomes the prefix (its keys and values copied out of the prefix the cache read, if any).
     */
    void keep(long[] ids, NDManager manager, KvCache cache) {
        if (cache.sharedPrefix() == null) {
            replace(cache.toShared(ids, manager));
            cache.close();
            return;
        }
        if (!coversEnough(cache.prefixColumns(), ids.length)) {
            NDManager whole = model.manager().newSubManager();
            int layers = model.config().numLayers();
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                NDArray[] before = cache.prefixLayer(l, manager);
                NDArray[] own = cache.layer(l);
                keys[l] = NDArrays.concat(new NDList(before[0], own[0]), 2);
                values[l] = NDArrays.concat(new NDList(before[1], own[1]), 2);
                keys[l].attach(whole);
                values[l].attach(whole);
            }
            replace(new SharedPrefix(ids, whole, keys, values));
        }
        cache.close();
        manager.close();
    }

    /**
     * A cache for {@code rows} rows that starts with the first {@code columns} cached positions, read in place (its
     * mask in {@code m}).
     */
    KvCache startCache(int columns, int rows, NDManager m) {
        return KvCache.startingWith(model.config().numLayers(), shared, columns, rows, m);
    }

    private void replace(SharedPrefix next) {
        close();
        shared = next;
    }

    @Override
    public void close() {
        if (shared != null) shared.release();
        shared = null;
    }
}
