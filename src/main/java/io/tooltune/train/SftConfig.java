package io.tooltune.train;

/**
 * Supervised fine-tuning settings with the transformers Trainer / TRL meanings. {@link #paper()} gives the
 * recipe used to fine-tune opt-350m for tool calling (lr 5e-5, 100 warm-up steps then linear decay, batch 8 ×
 * accumulation 4, clip 0.3, weight decay 0.01, one epoch, fp16, gradient checkpointing).
 */
public record SftConfig(
        double learningRate,
        int warmupSteps,
        LrSchedule scheduler,
        int batchSize,
        int gradientAccumulationSteps,
        double maxGradNorm,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        int epochs,
        int maxSteps,
        int maxLength,
        long seed,
        boolean shuffle,
        boolean groupByLength,
        Precision precision,
        boolean gradientCheckpointing,
        int saveSteps,
        int loggingSteps) {

    /** Computation precision: plain float32, or float16 working weights with float32 masters and loss scaling. */
    public enum Precision { FP32, FP16 }

    public SftConfig {
        if (learningRate < 0) throw new IllegalArgumentException("learning rate must be >= 0");
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
        if (gradientAccumulationSteps < 1) throw new IllegalArgumentException("gradient accumulation must be >= 1");
        if (epochs < 1 && maxSteps <= 0) throw new IllegalArgumentException("epochs must be >= 1 (or set max steps)");
        if (maxLength < 2) throw new IllegalArgumentException("max length must be >= 2");
    }

    public static SftConfig paper() {
        return new SftConfig(5e-5, 100, LrSchedule.LINEAR, 8, 4, 0.3, 0.01, 0.9, 0.999, 1e-8, 1, -1, 1024, 42,
                true, false, Precision.FP16, true, 500, 10);
    }

    public int examplesPerStep() {
        return batchSize * gradientAccumulationSteps;
    }

    /**
     * Optimizer steps per epoch as transformers &lt; 4.52 counts them: micro-batches (the last may be short) divided
     * by the accumulation, rounded down; 187,542 examples at 8 × 4 give 5,860.
     */
    public long stepsPerEpoch(long examples) {
        long microBatches = (examples + batchSize - 1) / batchSize;
        return microBatches / gradientAccumulationSteps;
    }

    /** Total optimizer steps: --max-steps when positive, else steps per epoch × epochs. */
    public long totalSteps(long examples) {
        return maxSteps > 0 ? maxSteps : stepsPerEpoch(examples) * epochs;
    }

    public SftConfig withPrecision(Precision p) {
        return new SftConfig(learningRate, warmupSteps, scheduler, batchSize, gradientAccumulationSteps, maxGradNorm,
                weightDecay, adamBeta1, adamBeta2, adamEpsilon, epochs, maxSteps, maxLength, seed, shuffle,
                groupByLength, p, gradientCheckpointing, saveSteps, loggingSteps);
    }

    public SftConfig withGradientCheckpointing(boolean on) {
        return new SftConfig(learningRate, warmupSteps, scheduler, batchSize, gradientAccumulationSteps, maxGradNorm,
                weightDecay, adamBeta1, adamBeta2, adamEpsilon, epochs, maxSteps, maxLength, seed, shuffle,
                groupByLength, precision, on, saveSteps, loggingSteps);
    }

    public SftConfig withSaveSteps(int steps) {
        return new SftConfig(learningRate, warmupSteps, scheduler, batchSize, gradientAccumulationSteps, maxGradNorm,
                weightDecay, adamBeta1, adamBeta2, adamEpsilon, epochs, maxSteps, maxLength, seed, shuffle,
                groupByLength, precision, gradientCheckpointing, steps, loggingSteps);
    }
}
