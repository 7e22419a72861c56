package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of one prompt prefix, {@code [1,kvHeads,length,headDim]} per layer, read in place by every
 * cache whose rows start with it (attention reads them once for all rows). Counted references: each holder
 * {@link #retain}s it and {@link #release}s it, and the arrays are freed when the last one lets go, so a prefix cache
 * that moves on to another prompt never frees arrays a running batch still reads. One thread at a time.
 */
public final class SharedPrefix {
    private final long[] ids;
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int holders = 1;

    /** Adopts the arrays (owned by {@code manager}, freed with it); the creator holds the first reference. */
    public SharedPrefix(long[] ids, NDManager manager, NDArray[] keys, NDArray[] values) {
        if (keys.length != values.length) throw new IllegalArgumentException("keys and values of different layer counts");
        this.ids = ids;
        this.manager = manager;
        this.keys = keys;
        this.values = values;
    }

    /** The keys and values of {@code ids} from one pass of {@code model} (one row), in a new manager under the model's. */
    public static SharedPrefix compute(CausalLM model, long[] ids) {
        NDManager owner = model.manager().newSubManager();
        KvCache cache = new KvCache(model.config().numLayers());
        try (NDManager pass = owner.newSubManager()) {
            Shape shape = new Shape(1, ids.length);
            model.hidden(pass, pass.create(ids, shape), pass.ones(shape, DataType.INT64), cache);
            cache.attachAll(owner);
        }
        return cache.toShared(ids, owner);
    }

    /** The tokens whose keys and values these are (not copied: do not change). */
    public long[] ids() {
        return ids;
    }

    public int length() {
        return ids.length;
    }

    /** Leading tokens of {@code prompt} (at most {@code limit}) that this prefix holds. */
    public int match(long[] prompt, int limit) {
        return commonPrefix(ids, prompt, limit);
    }

    /** Length of the longest common prefix of {@code a} and {@code b}, at most {@code limit}. */
    public static int commonPrefix(long[] a, long[] b, int limit) {
        int n = 0;
        int max = Math.min(limit, Math.min(a.length, b.length));
        while (n < max && a[n] == b[n]) n++;
        return n;
    }

    /**
     * Views (no copy) of the first {@code columns} keys and values of {@code layer}, owned by {@code owner}: closing
     * them leaves the prefix alone.
     */
    public NDArray[] layer(int layer, int columns, NDManager owner) {
        NDIndex first = new NDIndex().addAllDim(2).addSliceDim(0, columns);
        NDArray k = keys[layer].get(first);
        NDArray v = values[layer].get(first);
        k.attach(owner);
        v.attach(owner);
        return new NDArray[] {k, v};
    }

    public SharedPrefix retain() {
        if (holders == 0) throw new IllegalStateException("the prefix was already freed");
        holders++;
        return this;
    }

    public void release() {
        if (holders == 0) throw new IllegalStateException("the prefix was released more often than retained");
        if (--holders == 0) manager.close();
    }
}
