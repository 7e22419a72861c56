package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.tooltune.Json;
import io.tooltune.Progress;
import io.tooltune.model.CausalLM;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Supervised fine-tuning with transformers Trainer semantics (see {@link SftConfig}): per optimizer step a window
 * of {@code gradientAccumulationSteps} micro-batches whose summed token loss is divided by the window's label
 * tokens, global-norm clipping (norm logged before clipping), torch AdamW at {@code lr · factor(k)}, with k the
 * number of optimizer updates so far. FP16 runs a half-precision working copy of the model under dynamic loss
 * scaling and applies the unscaled gradients to the float32 master model, which is what checkpoints hold.
 */
public final class SftTrainer {
    /** Consecutive non-finite losses after which the run stops. */
    static final int MAX_BAD_STEPS = 10;

    private final CausalLM master;
    private final CausalLM working;
    private final SftConfig cfg;
    private final Path outputDir;
    private final BiConsumer<CausalLM, Path> modelWriter;
    private final NDManager stateManager;
    private final Map<String, NDArray> masterParams;
    private final Map<String, NDArray> workingParams;
    private final AdamW optimizer;
    private final LossScaler scaler;
    private final Backprop backprop;
    private volatile boolean stopRequested;
    private long deadlineNanos;
    private boolean hasDeadline;
    private boolean saveAtEnd = true;

    private long globalStep;
    private long schedulerSteps;
    private long tokensSeen;
    private int consecutiveBad;
    private final List<StepLog> log = new ArrayList<>();
    private final List<Map<String, Object>> history = new ArrayList<>();

    /**
     * @param master      the float32 model being trained (updated in place, saved in checkpoints)
     * @param halfCopy    for FP16: makes a float16 working copy of a model; ignored for FP32
     * @param modelWriter writes a model as a Hugging Face folder (config, weights, tokenizer) into a directory
     */
    public SftTrainer(CausalLM master, SftConfig cfg, Path outputDir, BiConsumer<CausalLM, Path> modelWriter,
                      Function<CausalLM, CausalLM> halfCopy) {
        this.master = master;
        this.cfg = cfg;
        this.outputDir = outputDir;
        this.modelWriter = modelWriter;
        this.masterParams = master.parameters();
        boolean half = cfg.precision() == SftConfig.Precision.FP16;
        this.working = half ? halfCopy.apply(master) : master;
        this.workingParams = working.parameters();
        this.stateManager = master.manager().newSubManager();
        this.optimizer = new AdamW(stateManager, masterParams, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEpsilon(),
                cfg.weightDecay());
        this.scaler = new LossScaler(half ? LossScaler.INITIAL : 1.0, 0);
        this.backprop = new Backprop(working, cfg.gradientCheckpointing(), cfg.seed());
        for (NDArray p : workingParams.values()) p.setRequiresGradient(true);
    }

    /** Whether the end of training writes a checkpoint and the final model (the benchmark measures steps only). */
    void saveAtEnd(boolean on) {
        saveAtEnd = on;
    }

    /** Asks the loop to save a checkpoint and stop after the current step (from a signal handler). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Ends training at a wall-clock deadline with its schedule complete (the demo's budget): from the
     * {@value #FIT_AFTER_STEPS}th step of this run on, the total step count becomes the steps done plus the time left
     * over the mean time of recent steps (never more than the configuration asks for), so a linear decay reaches
     * zero at the deadline however fast this machine turns out to be.
     */
    public void finishWithin(java.time.Duration budget) {
        deadlineNanos = System.nanoTime() + budget.toNanos();
        hasDeadline = true;
    }

    static final int FIT_AFTER_STEPS = 5;
    private static final int FIT_WINDOW = 50;

    /** The total step count that ends at the deadline, from the step times of this run so far. */
    private long fittedTotal(long configured) {
        double left = (deadlineNanos - System.nanoTime()) / 1e9;
        if (left <= 0) return globalStep;
        int measured = log.size() - FIT_AFTER_STEPS; // the first steps pay one-time costs
        if (measured < FIT_AFTER_STEPS) return configured;
        double mean = log.subList(log.size() - Math.min(measured, FIT_WINDOW), log.size()).stream()
                .mapToDouble(StepLog::seconds).average().orElseThrow();
        return Math.min(configured, globalStep + (long) Math.max(0, left / mean));
    }

    public record Result(long globalStep, List<StepLog> log, boolean interrupted, Path lastCheckpoint) {}

    /** Continues from a checkpoint folder whose weights the master model already holds. */
    public void resumeFrom(Path checkpoint) {
        TrainerState s = Checkpoints.readState(checkpoint);
        globalStep = s.globalStep();
        schedulerSteps = s.schedulerSteps();
        tokensSeen = s.tokensSeen();
        scaler.restore(s.lossScale(), s.lossScaleCleanSteps());
        history.clear();
        history.addAll(s.logHistory());
        Checkpoints.loadOptimizer(checkpoint, optimizer, stateManager, s.optimizerSteps());
        if (working != master) copyMastersToWorking();
    }

    public Result train(List<SftExample> data) {
        long configured = cfg.totalSteps(data.size());
        long total = configured;
        long perEpoch = cfg.stepsPerEpoch(data.size());
        if (perEpoch == 0) {
            throw new io.tooltune.BadInputException(data.size() + " examples are fewer than one optimizer step needs ("
                    + cfg.batchSize() + " × " + cfg.gradientAccumulationSteps() + " micro-batches)");
        }
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path logFile = outputDir.resolve("training_log.jsonl");
        keepLogUpTo(logFile, globalStep);
        Path lastCheckpoint = null;
        boolean savedAtCurrent = false;
        int padId = master.config().padTokenId();
        long startNanos = System.nanoTime();
        long tokensThisRun = 0;
        try (BufferedWriter logOut = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             Progress progress = Progress.start("train", total)) {
            if (!hasDeadline) progress.stepTo(globalStep);
            while (globalStep < total && !stopRequested) {
                int epoch = (int) (globalStep / perEpoch);
                List<int[]> batches = BatchPlan.microBatches(data, cfg, epoch);
                for (long s = globalStep % perEpoch; s < perEpoch && globalStep < total && !stopRequested; s++) {
                    List<BatchPlan.Batch> window = new ArrayList<>();
                    for (int mb = 0; mb < cfg.gradientAccumulationSteps(); mb++) {
                        window.add(BatchPlan.collate(data, batches.get((int) (s * cfg.gradientAccumulationSteps() + mb)), padId));
                    }
                    StepLog entry = step(window, total);
                    log.add(entry);
                    tokensThisRun += entry.tokens();
                    logOut.write(Json.MAPPER.writeValueAsString(entry));
                    logOut.newLine();
                    logOut.flush();
                    addHistory(entry, epoch + (double) (s + 1) / perEpoch);
                    if (hasDeadline) {
                        total = fittedTotal(configured);
                        progress.retotal(total);
                    }
                    savedAtCurrent = false;
                    if (cfg.saveSteps() > 0 && globalStep % cfg.saveSteps() == 0) {
                        lastCheckpoint = saveCheckpoint(total, epoch + (double) (s + 1) / perEpoch);
                        savedAtCurrent = true;
                    }
                    double secs = (System.nanoTime() - startNanos) / 1e9;
                    progress.status(String.format("loss %.4f lr %.3g %.0f tok/s", entry.loss(), entry.learningRate(),
                            tokensThisRun / Math.max(1e-9, secs)));
                    // with a deadline the total is only known once a few steps have been timed
                    if (!hasDeadline || log.size() >= 2 * FIT_AFTER_STEPS) progress.stepTo(globalStep);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!saveAtEnd) return new Result(globalStep, List.copyOf(log), stopRequested, null);
        if (!savedAtCurrent && (globalStep > 0)) {
            lastCheckpoint = saveCheckpoint(total, (double) globalStep / perEpoch);
        }
        if (!stopRequested) {
            modelWriter.accept(master, outputDir);
            Checkpoints.writeState(outputDir.resolve(Checkpoints.STATE), state(total, (double) globalStep / perEpoch));
        }
        return new Result(globalStep, List.copyOf(log), stopRequested, lastCheckpoint);
    }

    private StepLog step(List<BatchPlan.Batch> window, long total) {
        long started = System.nanoTime();
        long labelTokens = 0;
        long tokens = 0;
        for (BatchPlan.Batch b : window) {
            labelTokens += b.labelTokens();
            tokens += b.tokens();
        }
        double lr = cfg.learningRate() * cfg.scheduler().factor(schedulerSteps, cfg.warmupSteps(), total);
        Gradients.zero(workingParams.values());
        double lossSum = 0;
        double multiplier = scaler.scale() / Math.max(1, labelTokens);
        for (int mb = 0; mb < window.size() && Double.isFinite(lossSum); mb++) {
            lossSum += backprop.run(window.get(mb), multiplier, globalStep, mb);
        }
        double loss = lossSum / labelTokens;
        globalStep++;
        tokensSeen += tokens;
        if (!Double.isFinite(loss)) {
            consecutiveBad++;
            List<String> ids = new ArrayList<>();
            window.forEach(b -> ids.addAll(b.exampleIds()));
            String why = (labelTokens == 0 ? "no label tokens" : "loss is " + loss) + " in examples " + ids;
            System.err.println("tooltune train: step " + globalStep + " skipped: " + why);
            if (consecutiveBad >= MAX_BAD_STEPS) {
                throw new IllegalStateException("training stopped: " + MAX_BAD_STEPS
                        + " optimizer steps in a row had a non-finite loss (last: step " + globalStep + ", " + why + ")");
            }
            return new StepLog(globalStep, loss, Double.NaN, lr, tokens, labelTokens, secondsSince(started), "non-finite loss");
        }
        consecutiveBad = 0;
        double norm;
        String skipped = null;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            boolean half = working != master;
            for (Map.Entry<String, NDArray> e : workingParams.entrySet()) {
                NDArray g = e.getValue().getGradient();
                if (half) g = g.toType(DataType.FLOAT32, false).divi((float) scaler.scale());
                grads.put(e.getKey(), g);
            }
            norm = Gradients.globalNorm(grads.values());
            if (half) {
                boolean overflow = !Double.isFinite(norm);
                scaler.update(overflow);
                if (overflow) skipped = "fp16 overflow, loss scale now " + scaler.scale();
            }
            if (skipped == null) {
                Gradients.clip(grads.values(), cfg.maxGradNorm(), norm);
                optimizer.step(masterParams, grads, lr);
                schedulerSteps++;
                if (half) copyMastersToWorking();
            }
        }
        return new StepLog(globalStep, loss, norm, lr, tokens, labelTokens, secondsSince(started), skipped);
    }

    private void copyMastersToWorking() {
        for (Map.Entry<String, NDArray> e : masterParams.entrySet()) {
            try (NDArray h = e.getValue().toType(DataType.FLOAT16, false)) {
                workingParams.get(e.getKey()).set(h.toByteBuffer());
            }
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private final List<StepLog> sinceLastLog = new ArrayList<>();

    /** transformers-style log_history: every --logging-steps, the mean window loss since the last entry. */
    private void addHistory(StepLog entry, double epoch) {
        if (entry.skipped() == null) sinceLastLog.add(entry);
        if (cfg.loggingSteps() <= 0 || globalStep % cfg.loggingSteps() != 0 || sinceLastLog.isEmpty()) return;
        double mean = sinceLastLog.stream().mapToDouble(StepLog::loss).average().orElse(Double.NaN);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("loss", Math.round(mean * 1e4) / 1e4);
        h.put("grad_norm", entry.gradNorm());
        h.put("learning_rate", entry.learningRate());
        h.put("epoch", epoch);
        h.put("step", globalStep);
        history.add(h);
        sinceLastLog.clear();
    }

    private TrainerState state(long total, double epoch) {
        return new TrainerState(globalStep, total, epoch, schedulerSteps, optimizer.stepCount(), scaler.scale(),
                scaler.cleanSteps(), cfg.seed(), tokensSeen, cfg.loggingSteps(), cfg.saveSteps(), cfg.batchSize(),
                List.copyOf(history));
    }

    private Path saveCheckpoint(long total, double epoch) {
        return Checkpoints.save(outputDir, state(total, epoch), dir -> modelWriter.accept(master, dir), optimizer);
    }

    /** A resumed run rewrites the log without the steps after its checkpoint (a killed run may have logged more). */
    private static void keepLogUpTo(Path logFile, long step) {
        try {
            if (!Files.exists(logFile)) return;
            List<String> kept = new ArrayList<>();
            if (step > 0) {
                for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    if (Json.MAPPER.readTree(line).path("step").asLong() <= step) kept.add(line);
                }
            }
            Checkpoints.writeAtomically(logFile, (kept.isEmpty() ? "" : String.join("\n", kept) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
