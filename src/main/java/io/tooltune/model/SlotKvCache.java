package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * A KV cache for continuous batching: one row per running sequence, {@code [rows,heads,capacity,headDim]} per
 * layer, written in place (rows and columns are allocated as they are needed, doubling, up to {@code maxRows}). All rows share one timeline of columns: a decode step writes every row's new key at
 * the same column, and a sequence that joins is copied in right-aligned to the current end, the columns before it
 * masked out (positions come from the mask, so gaps change nothing). Attention reads a view of the first
 * {@code end} columns, so a step copies only its own keys and values. When the columns run out, the columns no
 * running row uses are dropped from the left, and only then does the capacity double.
 *
 * <p>Rows whose prompts start with the same {@link SharedPrefix} read it in place, once for all rows, as columns
 * before the timeline (a row uses its first columns, the rest masked); a row joins with only its columns after the
 * prefix. The cache holds one prefix at a time, from the first row that brings one until no row uses it; a row
 * prefilled on another prefix is copied in whole.
 *
 * <p>Driven by one thread: {@link #beginStep} before each forward pass, then the model's usual
 * {@code embed}/{@code layer} calls and {@link #advance}.
 */
public final class SlotKvCache extends KvCache {
    private final NDManager manager;
    private final int layers;
    private final int maxRows;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int rows;
    private int allocatedRows;
    private int capacity;
    private int end;
    /** Per row, 1 where a column holds one of its tokens. */
    private long[][] mask;
    private NDArray stepMask;
    /** The prefix the rows read in place (null when no row uses one), and per row how many of its columns. */
    private SharedPrefix prefix;
    private final int[] prefixUse;

    /** Up to {@code maxRows} sequences, starting with {@code capacity} columns; arrays live in {@code manager}. */
    public SlotKvCache(NDManager manager, int numLayers, int maxRows, int capacity) {
        super(numLayers);
        if (maxRows < 1 || capacity < 1) throw new IllegalArgumentException("maxRows and capacity must be >= 1");
        this.manager = manager;
        this.layers = numLayers;
        this.maxRows = maxRows;
        this.capacity = capacity;
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
        this.mask = new long[maxRows][capacity];
        this.prefixUse = new int[maxRows];
    }

    /** The shared prefix's columns, then the shared timeline's columns in use. */
    @Override
    public long length() {
        return prefixColumns() + end;
    }

    @Override
    public SharedPrefix sharedPrefix() {
        return prefix;
    }

    @Override
    public int prefixColumns() {
        return prefix == null ? 0 : prefix.length();
    }

    @Override
    public NDArray[] prefixLayer(int layer, NDManager owner) {
        return prefix == null ? null : prefix.layer(layer, prefix.length(), owner);
    }

    /**
     * Prepares a forward pass of {@code tokens} new tokens per row: makes room for them and builds the mask of the
     * cached columns in {@code step} (the pass's manager).
     */
    public void beginStep(NDManager step, int tokens) {
        if (rows == 0) throw new IllegalStateException("no sequence in the cache");
        ensureRoom(tokens);
        int before = prefixColumns();
        int width = before + end;
        long[] flat = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(flat, r * width, r * width + prefixUse[r], 1);
            System.arraycopy(mask[r], 0, flat, r * width + before, end);
        }
        stepMask = step.create(flat, new Shape(rows, width));
    }

    @Override
    public NDArray mask() {
        return stepMask;
    }

    /** The full mask the model builds lives in the pass's manager; nothing to keep. */
    @Override
    public void setMask(NDArray fullMask) {}

    @Override
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        int t = Math.toIntExact(k.getShape().get(2));
        if (keys[layer] == null) allocate(layer, k);
        NDIndex write = new NDIndex().addSliceDim(0, rows).addAllDim().addSliceDim(end, end + t);
        keys[layer].set(write, k);
        values[layer].set(write, v);
        return layerView(layer, end + t, k.getManager());
    }

    @Override
    public NDArray[] layer(int layer) {
        return keys[layer] == null ? new NDArray[] {null, null} : layerView(layer, end, manager);
    }

    /**
     * Views over the buffers (no copy), owned by {@code owner} so that closing them leaves the buffers alone. Its
     * index, like append's, is built rather than parsed from a string: both run in every layer of every step.
     */
    private NDArray[] layerView(int layer, int columns, NDManager owner) {
        NDIndex read = new NDIndex().addSliceDim(0, rows).addAllDim().addSliceDim(0, columns);
        NDArray k = keys[layer].get(read);
        NDArray v = values[layer].get(read);
        k.attach(owner);
        v.attach(owner);
        return new NDArray[] {k, v};
    }

    /** The buffers stay in the cache's own manager. */
    @Override
    public void attachAll(NDManager target) {}

    @Override
    public void advance(long tokens) {
        for (int r = 0; r < rows; r++) Arrays.fill(mask[r], end, end + (int) tokens, 1);
        end += (int) tokens;
    }

    /**
     * Adds a sequence whose prompt is cached in row {@code row} of {@code prefill} (its mask marking pads, if any) as
     * the last row; returns its row. When {@code prefill} starts with a shared prefix that this cache reads too (or
     * reads nothing yet), only the columns after it are copied.
     */
    public int addRow(KvCache prefill, int row) {
        if (rows == maxRows) throw new IllegalStateException("all " + maxRows + " rows are in use");
        int p = Math.toIntExact(prefill.length());
        long[] marks = new long[p];
        Arrays.fill(marks, 1);
        if (prefill.mask() != null) {
            try (NDArray m = prefill.mask().get(row)) {
                long[] given = m.toType(DataType.INT64, false).toLongArray();
                for (int j = 0; j < p; j++) marks[j] = given[j] != 0 ? 1 : 0;
            }
        }
        SharedPrefix from = prefill.sharedPrefix();
        int fromColumns = prefill.prefixColumns();
        if (from != null && prefix == null) prefix = from.retain();
        boolean shares = from != null && (from == prefix || prefix.match(from.ids(), fromColumns) == fromColumns);
        int first = shares ? fromColumns : 0;
        int width = p - first;
        if (rows == 0) end = 0;
        if (end < width) shiftRight(width - end);
        if (rows == allocatedRows && keys[0] != null) resize(Math.min(maxRows, allocatedRows * 2), capacity);
        int at = end - width;
        for (int l = 0; l < layers; l++) {
            NDArray[] kv = prefill.layer(l);
            if (keys[l] == null) allocate(l, kv[0]);
            if (!shares && fromColumns > 0) {
                NDArray[] pkv = from.layer(l, fromColumns, manager);
                try (NDArray pk = pkv[0]; NDArray pv = pkv[1]; NDArray k = pk.get(0); NDArray v = pv.get(0)) {
                    write(l, at, k, v);
                }
            }
            try (NDArray k = kv[0].get(row); NDArray v = kv[1].get(row)) {
                write(l, end - (p - fromColumns), k, v);
            }
        }
        Arrays.fill(mask[rows], 0);
        System.arraycopy(marks, first, mask[rows], at, width);
        prefixUse[rows] = shares ? fromColumns : 0;
        return rows++;
    }

    /** Writes {@code [heads,n,headDim]} keys and values into the next free row's columns from {@code at}. */
    private void write(int layer, int at, NDArray k, NDArray v) {
        NDIndex to = new NDIndex().addIndices(rows).addAllDim().addSliceDim(at, at + k.getShape().get(1));
        keys[layer].set(to, k);
        values[layer].set(to, v);
    }

    /** Frees {@code row}; the last row moves into its place (callers renumber the same way). */
    public void removeRow(int row) {
        int last = rows - 1;
        if (row < 0 || row > last) throw new IllegalArgumentException("no row " + row);
        if (row != last) {
            NDIndex from = new NDIndex(last + ", :, 0:" + end);
            NDIndex to = new NDIndex(row + ", :, 0:" + end);
            for (int l = 0; l < layers; l++) {
                if (keys[l] == null) continue;
                try (NDArray k = keys[l].get(from).duplicate(); NDArray v = values[l].get(from).duplicate()) {
                    keys[l].set(to, k);
                    values[l].set(to, v);
                }
            }
            long[] swap = mask[row];
            mask[row] = mask[last];
            mask[last] = swap;
            prefixUse[row] = prefixUse[last];
        }
        rows--;
        if (rows == 0) end = 0;
        boolean used = false;
        for (int r = 0; r < rows; r++) used |= prefixUse[r] > 0;
        if (prefix != null && !used) {
            prefix.release();
            prefix = null;
        }
    }

    /** Drops the columns no row uses from the left, then doubles the capacity while {@code tokens} do not fit. */
    private void ensureRoom(int tokens) {
        if (end + tokens <= capacity) return;
        int unused = end;
        for (int r = 0; r < rows; r++) {
            int first = 0;
            while (first < end && mask[r][first] == 0) first++;
            unused = Math.min(unused, first);
        }
        if (unused > 0) shiftLeft(unused);
        if (end + tokens > capacity) resize(allocatedRows, Math.max(capacity * 2, end + tokens));
    }

    private void shiftLeft(int by) {
        moveColumns(by, end, 0);
        for (long[] m : mask) {
            System.arraycopy(m, by, m, 0, end - by);
            Arrays.fill(m, end - by, end, 0);
        }
        end -= by;
    }

    private void shiftRight(int by) {
        if (end + by > capacity) resize(allocatedRows, Math.max(capacity * 2, end + by));
        if (end > 0) moveColumns(0, end, by);
        for (long[] m : mask) {
            System.arraycopy(m, 0, m, by, end);
            Arrays.fill(m, 0, by, 0);
        }
        end += by;
    }

    /** Copies columns {@code [from, until)} of every row to start at {@code to} (through a copy: they may overlap). */
    private void moveColumns(int from, int until, int to) {
        NDIndex src = new NDIndex(":, :, " + from + ":" + until);
        NDIndex dst = new NDIndex(":, :, " + to + ":" + (to + until - from));
        for (int l = 0; l < layers; l++) {
            if (keys[l] == null) continue;
            try (NDArray k = keys[l].get(src).duplicate(); NDArray v = values[l].get(src).duplicate()) {
                keys[l].set(dst, k);
                values[l].set(dst, v);
            }
        }
    }

    private void resize(int newRows, int newCapacity) {
        for (int l = 0; l < layers; l++) {
            if (keys[l] == null) continue;
            keys[l] = grown(keys[l], newRows, newCapacity);
            values[l] = grown(values[l], newRows, newCapacity);
        }
        for (int r = 0; r < maxRows; r++) mask[r] = Arrays.copyOf(mask[r], newCapacity);
        if (keys[0] != null) allocatedRows = newRows;
        capacity = newCapacity;
    }

    /** A bigger zero-filled buffer holding the rows in use and their columns in use. */
    private NDArray grown(NDArray old, int newRows, int newCapacity) {
        Shape s = old.getShape();
        NDArray bigger = manager.zeros(new Shape(newRows, s.get(1), newCapacity, s.get(3)), old.getDataType(), old.getDevice());
        if (end > 0 && rows > 0) {
            NDIndex used = new NDIndex("0:" + rows + ", :, 0:" + end);
            try (NDArray part = old.get(used)) {
                bigger.set(used, part);
            }
        }
        old.close();
        return bigger;
    }

    /** The layer's buffers, shaped after its first keys ({@code [.., heads, .., headDim]}), zero-filled. */
    private void allocate(int layer, NDArray like) {
        Shape s = like.getShape();
        allocatedRows = Math.max(allocatedRows, Math.min(maxRows, Math.max(rows + 1, (int) s.get(0))));
        Shape shape = new Shape(allocatedRows, s.get(s.dimension() - 3), capacity, s.get(s.dimension() - 1));
        keys[layer] = manager.zeros(shape, like.getDataType(), like.getDevice());
        values[layer] = manager.zeros(shape, like.getDataType(), like.getDevice());
    }

    @Override
    public void close() {
        for (int l = 0; l < layers; l++) {
            if (keys[l] != null) keys[l].close();
            if (values[l] != null) values[l].close();
            keys[l] = values[l] = null;
        }
        rows = end = allocatedRows = 0;
        if (prefix != null) prefix.release();
        prefix = null;
    }
}
