package io.tooltune.model;

import ai.djl.pytorch.engine.PtGradientCollector;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PassThreadsTest {
    /** A batch-1 decode step runs on one intra-op thread; a prefill, a batch and any pass with autograd on do not. */
    @Test
    void oneThreadOnlyForASingleTokenWithoutAutograd() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            PassThreads.forPass(1);
            assertEquals(1, JniUtils.getNumThreads(), "batch-1 decode step");
            PassThreads.forPass(8);
            assertEquals(PassThreads.configured(), JniUtils.getNumThreads(), "batch-8 decode step");
            PassThreads.forPass(1);
            PassThreads.forPass(512);
            assertEquals(PassThreads.configured(), JniUtils.getNumThreads(), "prefill after a decode step");
        }
        PassThreads.forPass(1);
        try (PtGradientCollector recording = new PtGradientCollector()) {
            PassThreads.forPass(1);
            assertEquals(PassThreads.configured(), JniUtils.getNumThreads(), "a training pass of one token");
        }
    }
}
