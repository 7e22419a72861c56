package io.tooltune.train;

/**
 * Supervised fine-tuning settings with the transformers Trainer / TRL meanings. Each component's default below is
 * the paper's recipe ({@link #paper()}); {@link #demo()} is the from-scratch demo's. A caller names only what
 * differs: {@code SftConfig.paper().toBuilder().learningRate(1e-3).maxSteps(10).build()}.
 *
 * @param learningRate              peak AdamW learning rate (5e-5)
 * @param warmupSteps               optimizer steps of linear warm-up from 0 to the peak (100)
 * @param scheduler                 learning-rate shape after the warm-up (linear decay to 0)
 * @param batchSize                 examples per micro-batch (8)
 * @param gradientAccumulationSteps micro-batches summed into one optimizer step (4)
 * @param maxGradNorm               global gradient-norm clipping threshold, 0 = off (0.3)
 * @param weightDecay               AdamW decoupled weight decay, not applied to biases and norms (0.01)
 * @param adamBeta1                 AdamW first-moment decay (0.9)
 * @param adamBeta2                 AdamW second-moment decay (0.999)
 * @param adamEpsilon               AdamW denominator epsilon (1e-8)
 * @param epochs                    passes over the data when maxSteps is not positive (1)
 * @param maxSteps                  optimizer steps, overriding epochs when positive (-1)
 * @param maxLength                 tokens per example; longer ones are truncated (1024)
 * @param seed                      seed of the data order, dropout masks and fresh weights (42)
 * @param shuffle                   draws a new example order each epoch (true)
 * @param groupByLength             batches examples of similar length together (false)
 * @param precision                 FP32, or FP16 working weights over float32 masters (FP16)
 * @param gradientCheckpointing     recomputes decoder layers during backward to save memory (true)
 * @param saveSteps                 writes a checkpoint every N optimizer steps, 0 = only at the end (500)
 * @param loggingSteps              adds a trainer_state log_history entry every N steps (10)
 * @param packing                   packs examples into rows of maxLength tokens (best-fit decreasing) (false)
 * @param basePrecision             how a LoRA run stores the frozen base's Linear weights: FP32, or FP16 (half
 *                                  the memory; widened to the computation's type as each is used) (FP32)
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
        int loggingSteps,
        boolean packing,
        BasePrecision basePrecision) {

    /** Computation precision: plain float32, or float16 working weights with float32 masters and loss scaling. */
    public enum Precision { FP32, FP16 }

    /**
     * Storage of a frozen LoRA base: float32, or float16 alone (no float32 copy). No bfloat16: DJL 0.36's native
     * dtype table has no entry for it and aborts the JVM.
     */
    public enum BasePrecision { FP32, FP16 }

    public SftConfig {
        if (learningRate < 0) throw new IllegalArgumentException("learning rate must be >= 0");
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
        if (gradientAccumulationSteps < 1) throw new IllegalArgumentException("gradient accumulation must be >= 1");
        if (epochs < 1 && maxSteps <= 0) throw new IllegalArgumentException("epochs must be >= 1 (or set max steps)");
        if (maxLength < 2) throw new IllegalArgumentException("max length must be >= 2");
    }

    /**
     * The recipe used to fine-tune opt-350m for tool calling: lr 5e-5, 100 warm-up steps then linear decay, batch
     * 8 × accumulation 4, clip 0.3, weight decay 0.01, one epoch of 1,024-token examples, fp16, gradient
     * checkpointing, a checkpoint every 500 steps.
     */
    public static SftConfig paper() {
        return new SftConfig(5e-5, 100, LrSchedule.LINEAR, 8, 4, 0.3, 0.01, 0.9, 0.999, 1e-8, 1, -1, 1024, 42,
                true, false, Precision.FP16, true, 500, 10, false, BasePrecision.FP32);
    }

    /**
     * {@code tooltune demo}'s recipe for a small model trained from random weights: the paper's optimizer and
     * schedule shape with lr 3e-3, 15 warm-up steps, batch 8 without accumulation, clip 1.0, 256-token examples,
     * float32 without checkpointing, no intermediate checkpoints. Its step cap is far above what the demo's time
     * budget allows (the demo fits the count to its time).
     */
    public static SftConfig demo() {
        return paper().toBuilder().learningRate(3e-3).warmupSteps(15).gradientAccumulationSteps(1).maxGradNorm(1.0)
                .maxSteps(1_000_000).maxLength(256).precision(Precision.FP32).gradientCheckpointing(false)
                .saveSteps(0).build();
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

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a config; each setter is the record component of the same name. */
    public static final class Builder {
        private double learningRate;
        private int warmupSteps;
        private LrSchedule scheduler;
        private int batchSize;
        private int gradientAccumulationSteps;
        private double maxGradNorm;
        private double weightDecay;
        private double adamBeta1;
        private double adamBeta2;
        private double adamEpsilon;
        private int epochs;
        private int maxSteps;
        private int maxLength;
        private long seed;
        private boolean shuffle;
        private boolean groupByLength;
        private Precision precision;
        private boolean gradientCheckpointing;
        private int saveSteps;
        private int loggingSteps;
        private boolean packing;
        private BasePrecision basePrecision;

        private Builder(SftConfig c) {
            learningRate = c.learningRate;
            warmupSteps = c.warmupSteps;
            scheduler = c.scheduler;
            batchSize = c.batchSize;
            gradientAccumulationSteps = c.gradientAccumulationSteps;
            maxGradNorm = c.maxGradNorm;
            weightDecay = c.weightDecay;
            adamBeta1 = c.adamBeta1;
            adamBeta2 = c.adamBeta2;
            adamEpsilon = c.adamEpsilon;
            epochs = c.epochs;
            maxSteps = c.maxSteps;
            maxLength = c.maxLength;
            seed = c.seed;
            shuffle = c.shuffle;
            groupByLength = c.groupByLength;
            precision = c.precision;
            gradientCheckpointing = c.gradientCheckpointing;
            saveSteps = c.saveSteps;
            loggingSteps = c.loggingSteps;
            packing = c.packing;
            basePrecision = c.basePrecision;
        }

        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder scheduler(LrSchedule v) { scheduler = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder gradientAccumulationSteps(int v) { gradientAccumulationSteps = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder adamBeta1(double v) { adamBeta1 = v; return this; }
        public Builder adamBeta2(double v) { adamBeta2 = v; return this; }
        public Builder adamEpsilon(double v) { adamEpsilon = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder shuffle(boolean v) { shuffle = v; return this; }
        public Builder groupByLength(boolean v) { groupByLength = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        public Builder gradientCheckpointing(boolean v) { gradientCheckpointing = v; return this; }
        public Builder saveSteps(int v) { saveSteps = v; return this; }
        public Builder loggingSteps(int v) { loggingSteps = v; return this; }
        public Builder packing(boolean v) { packing = v; return this; }
        public Builder basePrecision(BasePrecision v) { basePrecision = v; return this; }

        /** The config; invalid combinations throw IllegalArgumentException as the constructor does. */
        public SftConfig build() {
            return new SftConfig(learningRate, warmupSteps, scheduler, batchSize, gradientAccumulationSteps,
                    maxGradNorm, weightDecay, adamBeta1, adamBeta2, adamEpsilon, epochs, maxSteps, maxLength, seed,
                    shuffle, groupByLength, precision, gradientCheckpointing, saveSteps, loggingSteps, packing,
                    basePrecision);
        }
    }
}
