package io.tooltune.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Every random stream of a training run derives from the run's one seed, so that restoring the step of a resumed
 * run restores every stream: weight initialisation, the data order of each epoch, and the engine generator that
 * draws dropout masks, reseeded per (step, micro-batch, layer).
 */
public final class Seeds {
    private Seeds() {}

    static {
        Engine.getInstance(); // loads the native library that JniUtils calls into
    }

    /** SplitMix64's increment and mixing constants, one weight per coordinate of a stream. */
    private static final long[] WEIGHTS = {0x9E3779B97F4A7C15L, 0xBF58476D1CE4E5B9L, 0x94D049BB133111EBL, 1L};

    /**
     * A non-negative seed for one stream of a run: {@code seed} and up to three coordinates (such as step,
     * micro-batch and layer) weighted and hashed with SplitMix64's finaliser, so neighbouring coordinates give
     * unrelated seeds.
     */
    public static long forStream(long seed, long... coordinates) {
        if (coordinates.length > WEIGHTS.length - 1) {
            throw new IllegalArgumentException("at most " + (WEIGHTS.length - 1) + " stream coordinates");
        }
        long z = seed * WEIGHTS[0];
        for (int i = 0; i < coordinates.length; i++) z += coordinates[i] * WEIGHTS[i + 1];
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    /** Seeds the engine's global generator (torch.manual_seed), which draws dropout masks. */
    public static void seedEngine(long seed) {
        JniUtils.setSeed(seed);
    }

    /** The generator for epoch {@code epoch}'s data order. */
    public static Random dataOrder(long seed, int epoch) {
        return new Random(seed * 1_000_003L + epoch);
    }

    /** The generator for fresh weights. */
    public static SplittableRandom weights(long seed) {
        return new SplittableRandom(seed);
    }
}
