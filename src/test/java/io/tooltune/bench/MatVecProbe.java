package io.tooltune.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import io.tooltune.model.PassThreads;
import io.tooltune.model.RowSplit;
import io.tooltune.model.VectorMatVec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Batch-1 matrix-vector products ({@code x·Wᵀ}) on the qwen2.5-0.5b decode step's matrix shapes: libtorch's product
 * on one thread, {@link RowSplit#splitOnLibtorch} (two threads) and {@link VectorMatVec} on one and two threads. The
 * methods take turns round by round in one JVM, each product on the next of several copies of the matrix (well beyond
 * the last-level cache, as in a decode step); prints each method's median and best GB/s over all repetitions and its
 * largest difference from libtorch's product. Usage: {@code MatVecProbe [rounds] [repetitions per round]}.
 */
final class MatVecProbe {
    /** Matrices cycled per shape: well beyond the 32 MiB last-level cache. */
    private static final long COLD_BYTES = 256L << 20;
    private static final long[][] SHAPES = {{1024, 1024}, {4864, 896}, {896, 4864}, {151936, 896}};

    private MatVecProbe() {}

    private interface Product {
        NDArray apply(NDArray x, NDArray w);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Engine.getInstance(); // loads the native library that JniUtils calls into
        JniUtils.setGradMode(false);
        PassThreads.forPass(1); // a batch-1 step's thread count: libtorch on one thread
        ExecutorService helper = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        Map<String, Product> products = new LinkedHashMap<>();
        products.put("libtorch", (x, w) -> Linear.linear(x, w, null).singletonOrThrow());
        products.put("rowSplit", (x, w) -> RowSplit.splitOnLibtorch(x, w, null));
        products.put("vector-1t", (x, w) -> VectorMatVec.linear(x, w, null, null));
        products.put("vector-2t", (x, w) -> VectorMatVec.linear(x, w, null, helper));
        try (NDManager m = NDManager.newBaseManager()) {
            for (long[] shape : SHAPES) probe(m, shape, products, rounds, reps);
        }
        helper.shutdown();
    }

    private static void probe(NDManager parent, long[] shape, Map<String, Product> products, int rounds, int reps) {
        try (NDManager m = parent.newSubManager()) {
            long bytes = shape[0] * shape[1] * Float.BYTES;
            int copies = (int) Math.max(1, COLD_BYTES / bytes);
            NDArray[] ws = new NDArray[copies];
            for (int i = 0; i < copies; i++) ws[i] = m.randomNormal(new Shape(shape[0], shape[1]));
            NDArray x = m.randomNormal(new Shape(1, 1, shape[1]));
            checkView(ws[0]);
            float[] ref = Linear.linear(x, ws[0], null).singletonOrThrow().toFloatArray();
            float scale = 0;
            for (float v : ref) scale = Math.max(scale, Math.abs(v));
            Map<String, List<Double>> times = new LinkedHashMap<>();
            for (Map.Entry<String, Product> e : products.entrySet()) {
                float[] got = e.getValue().apply(x, ws[0]).toFloatArray();
                double worst = 0;
                for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / scale);
                System.out.printf("%s %-9s max |diff| / max |ref| = %.2e%n", Arrays.toString(shape), e.getKey(), worst);
                times.put(e.getKey(), new ArrayList<>());
            }
            int next = 0;
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Product> e : products.entrySet()) {
                    for (int i = 0; i < reps; i++) {
                        NDArray w = ws[next++ % copies];
                        long t0 = System.nanoTime();
                        e.getValue().apply(x, w).close();
                        times.get(e.getKey()).add((System.nanoTime() - t0) / 1e9);
                    }
                }
            }
            for (Map.Entry<String, List<Double>> e : times.entrySet()) {
                double best = e.getValue().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                double median = BenchTiming.median(e.getValue());
                System.out.printf("%s %-9s GB/s median %5.1f  best %5.1f  (n=%d)%n", Arrays.toString(shape),
                        e.getKey(), bytes / median / 1e9, bytes / best / 1e9, e.getValue().size());
            }
        }
    }

    /** Fails unless {@code toByteBuffer(true)} is a view of the tensor's memory: a write through it shows in the tensor. */
    private static void checkView(NDArray w) {
        ByteBuffer view = w.toByteBuffer(true).order(ByteOrder.nativeOrder());
        float old = view.getFloat(4);
        view.putFloat(4, 42.5f);
        float seen = w.get(0, 1).getFloat();
        view.putFloat(4, old);
        if (!view.isDirect() || seen != 42.5f) throw new IllegalStateException("toByteBuffer(true) returned a copy");
    }
}
