package io.tooltune.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count for the calling thread, chosen per forward pass: one thread for a pass of a single
 * token without autograd (a batch-1 decode step), the configured count ({@code ai.djl.pytorch.num_threads}) for any
 * other. A batch-1 step is some 1,300 calls on tiny tensors and matrix-vector products that libtorch computes on one
 * core whatever the count, so a second thread speeds nothing up, while every call that does fork waits for it to be
 * scheduled: on a busy machine that wait makes the step several times slower (BENCHMARKS.md, generate). libtorch
 * keeps the count per thread (OpenMP), so other threads running passes keep theirs.
 */
public final class PassThreads {
    private static final int CONFIGURED;
    private static final ThreadLocal<Integer> CURRENT = new ThreadLocal<>();

    static {
        Engine.getInstance(); // loads the native library that JniUtils calls into
        CONFIGURED = Integer.getInteger("ai.djl.pytorch.num_threads", JniUtils.getNumThreads());
    }

    private PassThreads() {}

    /** Sets the count for a pass over {@code tokens} tokens (all rows together); a no-op when it is set already. */
    public static void forPass(long tokens) {
        int wanted = tokens == 1 && !JniUtils.isGradMode() ? 1 : CONFIGURED;
        Integer current = CURRENT.get();
        if (current != null && current == wanted) return;
        JniUtils.setNumThreads(wanted);
        CURRENT.set(wanted);
    }

    /** Whether the calling thread's current pass runs on one thread where more are configured (a batch-1 step). */
    static boolean narrowed() {
        Integer current = CURRENT.get();
        return current != null && current == 1 && CONFIGURED > 1;
    }

    /** The count a pass that is not a batch-1 decode step runs with. */
    public static int configured() {
        return CONFIGURED;
    }
}
