package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Keys and values of every layer for the tokens seen so far, [B,heads,past,headDim] each, plus the attention
 * mask of those tokens [B,past] (needed for positions and padding when decoding continues). This one grows by
 * concatenation, which suits a prefill; {@link SlotKvCache} writes into preallocated rows for long decodes.
 *
 * <p>A cache may start with the first columns of a {@link SharedPrefix}: they are logically the first columns of
 * every row ({@link #length} and {@link #mask} cover them), but stored once and read in place
 * ({@link #prefixLayer}); {@link #append} and {@link #layer} hold the cache's own columns after them.
 */
public class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private NDArray mask;
    private long length;
    private SharedPrefix prefix;
    private int prefixColumns;

    public KvCache(int numLayers) {
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /**
     * A cache of {@code rows} rows that all start with the first {@code columns} positions of {@code prefix} (held
     * until {@link #close}), their mask (ones) in {@code m}.
     */
    public static KvCache startingWith(int numLayers, SharedPrefix prefix, int columns, int rows, NDManager m) {
        if (columns < 1 || columns > prefix.length()) throw new IllegalArgumentException("prefix columns " + columns + " of " + prefix.length());
        KvCache c = new KvCache(numLayers);
        c.prefix = prefix.retain();
        c.prefixColumns = columns;
        c.mask = m.ones(new Shape(rows, columns), DataType.INT64);
        c.length = columns;
        return c;
    }

    /** The shared prefix the rows start with, or null. */
    public SharedPrefix sharedPrefix() {
        return prefix;
    }

    /** Leading columns read from the shared prefix (0 without one). */
    public int prefixColumns() {
        return prefixColumns;
    }

    /** Views of the shared prefix's keys and values of {@code layer} ([1,heads,columns,headDim]), or null without one. */
    public NDArray[] prefixLayer(int layer, NDManager owner) {
        return prefix == null ? null : prefix.layer(layer, prefixColumns, owner);
    }

    /**
     * Turns this one-row cache without a shared prefix into a {@link SharedPrefix} of {@code ids} whose arrays are
     * freed with {@code manager} (which must own them); this cache is left empty.
     */
    public SharedPrefix toShared(long[] ids, NDManager manager) {
        if (prefix != null) throw new IllegalStateException("the cache reads a shared prefix itself");
        if (length != ids.length) throw new IllegalArgumentException(ids.length + " ids for " + length + " cached positions");
        SharedPrefix shared = new SharedPrefix(ids, manager, keys.clone(), values.clone());
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        mask = null;
        length = 0;
        return shared;
    }

    /** Tokens already cached (the past length). */
    public long length() {
        return length;
    }

    /** The attention mask of the cached tokens and the ones being added, or null before the first call. */
    public NDArray mask() {
        return mask;
    }

    public void setMask(NDArray fullMask) {
        if (mask != null && mask != fullMask) mask.close();
        mask = fullMask;
    }

    /**
     * The mask of the cached tokens followed by {@code attentionMask} (the new ones) as int64 [B,past+T], recorded in
     * {@code cache} for the next step; without a cache, {@code attentionMask} alone.
     */
    public static long[] extendMask(KvCache cache, NDArray attentionMask) {
        long past = cache == null ? 0 : cache.length();
        NDArray full = attentionMask;
        if (cache != null) {
            if (cache.mask() != null) full = NDArrays.concat(new NDList(cache.mask(), attentionMask), 1);
            cache.setMask(full);
        }
        long covered = full.getShape().get(1);
        if (covered != past + attentionMask.getShape().get(1)) {
            throw new IllegalArgumentException("attention mask covers " + covered + " tokens, expected " + (past + attentionMask.getShape().get(1)));
        }
        return (full.getDataType() == DataType.INT64 ? full : full.toType(DataType.INT64, false)).toLongArray();
    }

    /** Appends this step's keys and values for a layer and returns the full keys and values of its own columns. */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        if (keys[layer] == null) {
            keys[layer] = k;
            values[layer] = v;
        } else {
            NDArray nk = NDArrays.concat(new NDList(keys[layer], k), 2);
            NDArray nv = NDArrays.concat(new NDList(values[layer], v), 2);
            keys[layer].close();
            values[layer].close();
            keys[layer] = nk;
            values[layer] = nv;
        }
        return new NDArray[] {keys[layer], values[layer]};
    }

    /** The cached keys and values of one layer's own columns (null before its first append). */
    public NDArray[] layer(int layer) {
        return new NDArray[] {keys[layer], values[layer]};
    }

    /** Moves every cached array (keys, values, mask) to {@code manager}, so per-step managers can be closed. */
    public void attachAll(NDManager manager) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) keys[i].attach(manager);
            if (values[i] != null) values[i].attach(manager);
        }
        if (mask != null) mask.attach(manager);
    }

    /** Marks {@code tokens} more positions as cached; called once per forward pass, after all layers. */
    public void advance(long tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) keys[i].close();
            if (values[i] != null) values[i].close();
            keys[i] = values[i] = null;
        }
        if (mask != null) mask.close();
        mask = null;
        length = 0;
        if (prefix != null) prefix.release();
        prefix = null;
        prefixColumns = 0;
    }
}
