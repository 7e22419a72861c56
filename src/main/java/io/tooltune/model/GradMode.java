package io.tooltune.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one switch for autograd recording. PyTorch keeps the grad mode per thread, so inference threads turn it off
 * once ({@link #disableOnThisThread()}) and code that needs a graph-free stretch inside training uses
 * {@link #noGrad()}, which restores the previous mode on close.
 */
public final class GradMode {
    private GradMode() {}

    static {
        Engine.getInstance(); // loads the native library that JniUtils calls into
    }

    /** A stretch without autograd recording; closing it restores the mode it found. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Turns recording off for the calling thread for good (model workers that only run inference). */
    public static void disableOnThisThread() {
        JniUtils.setGradMode(false);
    }

    /** {@code try (GradMode.Scope s = GradMode.noGrad()) { ... }}: no graph is recorded inside. */
    public static Scope noGrad() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return () -> JniUtils.setGradMode(previous);
    }
}
