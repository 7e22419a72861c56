package io.tooltune.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

/**
 * {@code x·Wᵀ + b} for one row of input, computed with the Vector API straight from the weight tensor's memory (a
 * view, no copy), its output rows split between the caller and a helper thread. libtorch's one-row product reads
 * about 17 GB/s on a core; this kernel, four rows at a time sharing each load of {@code x}, reads markedly more
 * (BENCHMARKS.md, "A Vector API kernel for batch-1 products"). Reached through {@link RowSplit}, which loads it only on
 * a JDK that has the module and final {@code java.lang.foreign} (22+); needs {@code --add-modules jdk.incubator.vector}.
 */
public final class VectorMatVec {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** DJL's own contiguity test; {@code toByteBuffer(true)} of a non-contiguous tensor is a copy kept by its manager. */
    private static final MethodHandle IS_CONTIGUOUS = contiguityTest();

    private VectorMatVec() {}

    /**
     * The product with the rows of {@code weight} split over the caller and {@code helper} (null: all on the caller),
     * or null where this kernel does not apply (not float32, not a contiguous dense CPU tensor, larger than a buffer
     * can address): the caller then uses libtorch. {@code bias} may be null.
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias, ExecutorService helper) {
        if (!readable(weight) || x.getDataType() != DataType.FLOAT32
                || bias != null && bias.getDataType() != DataType.FLOAT32) {
            return null;
        }
        int rows = Math.toIntExact(weight.getShape().get(0));
        int cols = Math.toIntExact(weight.getShape().get(1));
        MemorySegment w = MemorySegment.ofBuffer(weight.toByteBuffer(true));
        float[] in = x.toFloatArray();
        float[] out = bias == null ? new float[rows] : bias.toFloatArray();
        int half = helper == null ? 0 : rows / 2;
        Future<?> top = helper == null ? null : helper.submit(() -> rows(w, cols, in, out, 0, half));
        rows(w, cols, in, out, half, rows);
        try {
            if (top != null) top.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a vector product", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        long[] shape = x.getShape().getShape();
        shape[shape.length - 1] = rows;
        return x.getManager().create(out, new Shape(shape));
    }

    /** A float32 dense matrix on the CPU whose memory this kernel can read in place. */
    private static boolean readable(NDArray w) {
        return w instanceof PtNDArray pt && w.getDataType() == DataType.FLOAT32 && w.getShape().dimension() == 2
                && Device.cpu().equals(w.getDevice()) && !w.isSparse()
                && w.getShape().size() * Float.BYTES <= Integer.MAX_VALUE && contiguous(pt);
    }

    private static boolean contiguous(PtNDArray w) {
        if (IS_CONTIGUOUS == null) return false;
        try {
            return (boolean) IS_CONTIGUOUS.invoke(w.getHandle());
        } catch (Throwable t) {
            return false;
        }
    }

    /** Binds DJL's package-private {@code PyTorchLibrary.torchIsContiguous(long)}; null if it is not there. */
    private static MethodHandle contiguityTest() {
        try {
            Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            MethodHandles.Lookup in = MethodHandles.privateLookupIn(lib, MethodHandles.lookup());
            Object instance = in.findStaticVarHandle(lib, "LIB", lib).get();
            return in.findVirtual(lib, "torchIsContiguous", MethodType.methodType(boolean.class, long.class))
                    .bindTo(instance).asType(MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Adds {@code W[r]·x} to {@code y[r]} for rows {@code from} to {@code to}: four rows at a time, one accumulator
     * each, so every load of {@code x} serves four rows and four independent weight streams are in flight.
     */
    private static void rows(MemorySegment w, int cols, float[] x, float[] y, int from, int to) {
        int step = S.length();
        int bound = S.loopBound(cols);
        long rowBytes = cols * (long) Float.BYTES;
        int r = from;
        for (; r + 4 <= to; r += 4) {
            long b0 = r * rowBytes;
            long b1 = b0 + rowBytes;
            long b2 = b1 + rowBytes;
            long b3 = b2 + rowBytes;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int j = 0;
            for (; j < bound; j += step) {
                FloatVector xj = FloatVector.fromArray(S, x, j);
                long off = (long) j * Float.BYTES;
                a0 = FloatVector.fromMemorySegment(S, w, b0 + off, ORDER).fma(xj, a0);
                a1 = FloatVector.fromMemorySegment(S, w, b1 + off, ORDER).fma(xj, a1);
                a2 = FloatVector.fromMemorySegment(S, w, b2 + off, ORDER).fma(xj, a2);
                a3 = FloatVector.fromMemorySegment(S, w, b3 + off, ORDER).fma(xj, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; j < cols; j++) {
                long i = (long) r * cols + j;
                s0 += w.getAtIndex(JAVA_FLOAT_UNALIGNED, i) * x[j];
                s1 += w.getAtIndex(JAVA_FLOAT_UNALIGNED, i + cols) * x[j];
                s2 += w.getAtIndex(JAVA_FLOAT_UNALIGNED, i + 2L * cols) * x[j];
                s3 += w.getAtIndex(JAVA_FLOAT_UNALIGNED, i + 3L * cols) * x[j];
            }
            y[r] += s0;
            y[r + 1] += s1;
            y[r + 2] += s2;
            y[r + 3] += s3;
        }
        for (; r < to; r++) {
            long i = (long) r * cols;
            float s = 0;
            for (int j = 0; j < cols; j++) s += w.getAtIndex(JAVA_FLOAT_UNALIGNED, i + j) * x[j];
            y[r] += s;
        }
    }
}
