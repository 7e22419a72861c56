package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code x·Wᵀ + b} for a batch-1 decode step, with the output rows computed half on the calling thread and half on
 * one helper thread. libtorch computes a one-row product on a single core whatever its thread count, so a batch-1
 * step runs on one thread ({@link PassThreads}); splitting each large weight's rows over two threads lets the second
 * core read the other half (BENCHMARKS.md, generate). Used only where {@link PassThreads} has narrowed the pass to one
 * thread out of more; {@code -Dtooltune.rowSplit=false} turns it off. Where it applies, a float32 product runs on the
 * Vector API kernel ({@link VectorMatVec}, split the same way) when the JVM has it; {@code -Dtooltune.vectorKernel=false}
 * keeps libtorch's product.
 */
public final class RowSplit {
    /** Weights smaller than this (elements) are not worth a hand-over to the helper thread. */
    static final long MIN_ELEMENTS = 1L << 18;
    private static final boolean ENABLED = !"false".equals(System.getProperty("tooltune.rowSplit"));
    private static final ExecutorService HELPER = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("tooltune-rows").factory());

    /** {@link VectorMatVec#linear}, or null where the kernel is off or this JVM cannot run it. */
    private static final MethodHandle VECTOR = vectorKernel();
    /** Whether {@link #linear} uses {@link #VECTOR}; tests turn it off to compare with libtorch in one JVM. */
    private static boolean vectorOn = VECTOR != null;

    /** Set on the helper thread once it runs with one intra-op thread and no autograd. */
    private static final ThreadLocal<Boolean> READY = ThreadLocal.withInitial(() -> false);

    private RowSplit() {}

    /** {@code x·Wᵀ + b} ({@code bias} may be null), split over two threads when {@link #applies} says so. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (!applies(x, weight)) return Linear.linear(x, weight, bias).singletonOrThrow();
        NDArray vector = vectorProduct(x, weight, bias);
        return vector != null ? vector : splitOnLibtorch(x, weight, bias);
    }

    /** The split product on libtorch's kernel: what {@link #linear} falls back to (and what benchmarks compare with). */
    public static NDArray splitOnLibtorch(NDArray x, NDArray weight, NDArray bias) {
        long rows = weight.getShape().get(0);
        long half = rows / 2;
        // built, not parsed from a string: this runs for every large product of every batch-1 step
        NDIndex first = new NDIndex().addSliceDim(0, half);
        NDIndex second = new NDIndex().addSliceDim(half, rows);
        NDArray b1 = bias == null ? null : bias.get(first);
        NDArray b2 = bias == null ? null : bias.get(second);
        NDArray w1 = weight.get(first);
        NDArray w2 = weight.get(second);
        Future<NDArray> top = HELPER.submit(() -> {
            if (!READY.get()) {
                JniUtils.setNumThreads(1);
                JniUtils.setGradMode(false);
                READY.set(true);
            }
            return Linear.linear(x, w1, b1).singletonOrThrow();
        });
        NDArray bottom = Linear.linear(x, w2, b2).singletonOrThrow();
        try {
            return NDArrays.concat(new NDList(top.get(), bottom), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a row-split product", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The Vector API kernel's product, or null where it is off or does not take these tensors. */
    private static NDArray vectorProduct(NDArray x, NDArray weight, NDArray bias) {
        if (!vectorOn) return null;
        try {
            return (NDArray) VECTOR.invokeExact(x, weight, bias, HELPER);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether batch-1 products use {@link VectorMatVec} in this JVM. */
    static boolean vectorKernelOn() {
        return vectorOn;
    }

    /** Turns the kernel off, or back on where this JVM can run it (tests). */
    static void useVectorKernel(boolean on) {
        vectorOn = on && VECTOR != null;
    }

    /**
     * Looks the kernel up by name: it reads tensors through {@code java.lang.foreign}, final from JDK 22, so a JDK 21
     * build leaves it out (pom.xml), and it needs the JVM started with {@code --add-modules jdk.incubator.vector}.
     */
    private static MethodHandle vectorKernel() {
        if ("false".equals(System.getProperty("tooltune.vectorKernel")) || Runtime.version().feature() < 22
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return MethodHandles.lookup().findStatic(Class.forName("io.tooltune.model.VectorMatVec"), "linear",
                    MethodType.methodType(NDArray.class, NDArray.class, NDArray.class, NDArray.class,
                            ExecutorService.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** One row of input, no autograd, a pass narrowed to one thread, and a weight large enough to pay. */
    static boolean applies(NDArray x, NDArray weight) {
        return ENABLED && PassThreads.narrowed() && x.getShape().size() == x.getShape().getLastDimension()
                && weight.getShape().dimension() == 2 && weight.getShape().size() >= MIN_ELEMENTS
                && !JniUtils.isGradMode();
    }
}
