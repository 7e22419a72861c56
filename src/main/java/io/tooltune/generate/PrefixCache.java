package io.tooltune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tooltune.model.CausalLM;
import io.tooltune.model.KvCache;

import java.util.Arrays;

/**
 * The keys and values of one prompt prefix (a tool-calling system prompt, typically), computed once (or kept from a
 * whole prompt's prefill) and copied into the caches of the prompts that start the same way. Not thread-safe.
 */
final class PrefixCache implements AutoCloseable {
    /** Shortest shared prompt prefix worth caching (a ToolLLaMA system prompt is several hundred tokens). */
    static final int MIN_PREFIX = 16;
    private final CausalLM model;
    private long[] ids;
    private NDManager manager;
    private KvCache cache;

    PrefixCache(CausalLM model) {
        this.model = model;
    }

    /** Leading tokens of {@code prompt} (at most {@code limit}) the cached prefix holds. */
    int match(long[] prompt, int limit) {
        if (ids == null) return 0;
        int n = 0;
        while (n < Math.min(limit, ids.length) && ids[n] == prompt[n]) n++;
        return n;
    }

    /**
     * Tokens to take from the cache for prompts that share their first {@code common} tokens with {@code prompt}:
     * the cached prefix when it covers at least 90 % of them, else those tokens newly computed and cached; 0 when
     * fewer than {@link #MIN_PREFIX} are shared.
     */
    int take(long[] prompt, int common) {
        if (common < MIN_PREFIX) return 0;
        int reuse = match(prompt, common);
        if (reuse >= MIN_PREFIX && reuse * 10 >= common * 9) return reuse;
        close();
        ids = Arrays.copyOf(prompt, common);
        manager = model.manager().newSubManager();
        cache = new KvCache(model.config().numLayers());
        try (NDManager pass = manager.newSubManager()) {
            Shape shape = new Shape(1, common);
            Generator.forward(model, pass, pass.create(ids, shape), pass.ones(shape, DataType.INT64), cache);
            cache.attachAll(manager);
        }
        return common;
    }

    /**
     * Adopts {@code cache} (in {@code manager}, both closed by this from now on), the keys and values of all of
     * {@code ids}, as the cached prefix: the next prompts reuse whatever they share with it.
     */
    void keep(long[] ids, NDManager manager, KvCache cache) {
        close();
        this.ids = ids;
        this.manager = manager;
        this.cache = cache;
    }

    /** Starts {@code target} with the first {@code shared} cached positions, once for each of its {@code b} rows. */
    void seed(KvCache target, NDManager m, int shared, int b) {
        String slice = ":, :, :" + shared + ", :";
        for (int l = 0; l < model.config().numLayers(); l++) {
            NDArray[] kv = cache.layer(l);
            try (NDArray ks = kv[0].get(slice); NDArray vs = kv[1].get(slice)) {
                NDArray k = ks.repeat(0, b);
                NDArray v = vs.repeat(0, b);
                k.attach(m);
                v.attach(m);
                target.append(l, k, v);
            }
        }
        target.setMask(m.ones(new Shape(b, shared), DataType.INT64));
        target.advance(shared);
    }

    /** Length of the longest common prefix of {@code a} and {@code b}, at most {@code limit}. */
    static int commonPrefix(long[] a, long[] b, int limit) {
        int n = 0;
        int max = Math.min(limit, Math.min(a.length, b.length));
        while (n < max && a[n] == b[n]) n++;
        return n;
    }

    @Override
    public void close() {
        if (cache != null) cache.close();
        if (manager != null) manager.close();
        ids = null;
        cache = null;
        manager = null;
    }
}
