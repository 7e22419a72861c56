package io.tooltune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Linears;
import io.tooltune.model.LoraAdapter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning with transformers Trainer semantics (see {@link SftConfig}): per optimizer step a window
 * of {@code gradientAccumulationSteps} micro-batches whose summed token loss is divided by the window's label
 * tokens, global-norm clipping (norm logged before clipping), torch AdamW at {@code lr · factor(k)}, with k the
 * number of optimizer updates so far. FP16 runs a half-precision working copy of the model under dynamic loss
 * scaling and applies the unscaled gradients to the float32 master model, which is what checkpoints hold.
 * Logging, checkpoints, progress and time budgets are {@link TrainerCallback}s.
 */
public final class SftTrainer {
    /** Consecutive non-finite losses after which the run stops. */
    static final int MAX_BAD_STEPS = 10;

    private final CausalLM master;
    private final CausalLM working;
    private final SftConfig cfg;
    private final NDManager stateManager;
    private final Map<String, NDArray> masterParams;
    private final Map<String, NDArray> workingParams;
    private final AdamW optimizer;
    private final LossScaler scaler;
    private final Backprop backprop;
    private final List<TrainerCallback> callbacks = new ArrayList<>();
    private volatile boolean stopRequested;

    private long globalStep;
    private long totalSteps;
    private boolean totalSettled = true;
    private double epoch;
    private long schedulerSteps;
    private long tokensSeen;
    private int consecutiveBad;
    private Path lastCheckpoint;
    private final List<StepLog> log = new ArrayList<>();
    private final List<Map<String, Object>> history = new ArrayList<>();
    private final List<StepLog> sinceLastLog = new ArrayList<>();

    /**
     * @param master the float32 model being trained (updated in place); FP16 trains a float16 copy of it. With a
     *               LoRA adapter attached ({@code master.linears()}), only the adapter's matrices are trained: FP16
     *               then runs the frozen base and a copy of the adapter in float16 and updates the float32 adapter.
     *               {@code cfg.basePrecision()} FP16 converts the master's frozen Linear weights to float16 in place
     */
    public SftTrainer(CausalLM master, SftConfig cfg) {
        this.master = master;
        this.cfg = cfg;
        LoraAdapter adapter = master.linears().adapter();
        if (cfg.basePrecision() == SftConfig.BasePrecision.FP16) {
            if (adapter == null) throw new BadInputException("--base-precision fp16 needs a LoRA adapter: full fine-tuning trains the base");
            Linears.storeWeightsAs(master, DataType.FLOAT16);
        }
        boolean half = cfg.precision() == SftConfig.Precision.FP16;
        this.working = half ? master.copyAs(DataType.FLOAT16) : master;
        if (adapter != null && half) working.linears().attach(adapter.copyAs(DataType.FLOAT16));
        this.masterParams = adapter != null ? adapter.parameters() : master.parameters();
        this.workingParams = adapter != null ? working.linears().adapter().parameters() : working.parameters();
        this.stateManager = master.manager().newSubManager();
        this.optimizer = new AdamW(stateManager, masterParams, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEpsilon(),
                cfg.weightDecay());
        this.scaler = new LossScaler(half ? LossScaler.INITIAL : 1.0, 0);
        this.backprop = new Backprop(working, cfg.gradientCheckpointing(), cfg.seed(), adapter == null);
        for (NDArray p : workingParams.values()) p.setRequiresGradient(true);
    }

    /** Adds a listener; listeners run in the order they were added. */
    public SftTrainer addCallback(TrainerCallback callback) {
        callbacks.add(callback);
        return this;
    }

    /** Asks the loop to stop after the current step (from a signal handler); the checkpointer then saves. */
    public void requestStop() {
        stopRequested = true;
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
        long perEpoch = cfg.stepsPerEpoch(data.size());
        if (perEpoch == 0) {
            throw new BadInputException(data.size() + " examples are fewer than one optimizer step needs ("
                    + cfg.batchSize() + " × " + cfg.gradientAccumulationSteps() + " micro-batches)");
        }
        int padId = master.config().padTokenId();
        totalSteps = cfg.totalSteps(data.size());
        epoch = (double) globalStep / perEpoch;
        callbacks.forEach(c -> c.onTrainBegin(this));
        List<int[]> batches = null;
        int plannedEpoch = -1;
        while (globalStep < totalSteps && !stopRequested) {
            // the epoch's micro-batch order, drawn from (seed, epoch) so that a resumed run continues it
            int e = (int) (globalStep / perEpoch);
            if (e != plannedEpoch) {
                batches = BatchPlan.microBatches(data, cfg, e);
                plannedEpoch = e;
            }
            // this step's window: the next gradientAccumulationSteps micro-batches of the epoch
            long s = globalStep % perEpoch;
            List<BatchPlan.Batch> window = new ArrayList<>();
            for (int mb = 0; mb < cfg.gradientAccumulationSteps(); mb++) {
                window.add(BatchPlan.collate(data, batches.get((int) (s * cfg.gradientAccumulationSteps() + mb)), padId));
            }
            // forward and backward of each micro-batch, clipping, the AdamW update (or a skip on a bad loss)
            StepLog entry = step(window, totalSteps);
            log.add(entry);
            epoch = e + (double) (s + 1) / perEpoch;
            // transformers' log_history: the mean loss of every loggingSteps steps
            addHistory(entry);
            // listeners: log file, deadline fitting, checkpoints, progress
            for (TrainerCallback c : callbacks) c.onStepEnd(this, entry);
        }
        epoch = (double) globalStep / perEpoch;
        callbacks.forEach(c -> c.onTrainEnd(this));
        return new Result(globalStep, List.copyOf(log), stopRequested, lastCheckpoint);
    }

    /** Optimizer steps done, counting those of the run a resume continues. */
    public long globalStep() {
        return globalStep;
    }

    /** Where the schedule ends: the learning rate reaches its end and the loop stops at this step. */
    public long totalSteps() {
        return totalSteps;
    }

    /** False while a listener is still measuring to set the total (see {@link DeadlineFitter}). */
    public boolean totalSettled() {
        return totalSettled;
    }

    /** Moves the end of the schedule (a listener fitting the run to a budget); it applies from the next step. */
    public void setTotalSteps(long total, boolean settled) {
        totalSteps = total;
        totalSettled = settled;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** The float32 model being trained: what checkpoints and the final model hold. */
    public CausalLM model() {
        return master;
    }

    /** The optimizer steps of this run so far. */
    public List<StepLog> log() {
        return Collections.unmodifiableList(log);
    }

    AdamW optimizer() {
        return optimizer;
    }

    /** Records a checkpoint a listener wrote and tells the listeners. */
    void checkpointSaved(Path checkpoint) {
        lastCheckpoint = checkpoint;
        callbacks.forEach(c -> c.onSave(this, checkpoint));
    }

    /** Where the run stands, as trainer_state.json records it. */
    TrainerState state() {
        return new TrainerState(globalStep, totalSteps, epoch, schedulerSteps, optimizer.stepCount(), scaler.scale(),
                scaler.cleanSteps(), cfg.seed(), tokensSeen, cfg.loggingSteps(), cfg.saveSteps(), cfg.batchSize(),
                List.copyOf(history));
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
            // fp16: the loss scale comes off in the norm and in the optimizer's gradient factor, not in a pass of its own
            double unscale = half ? 1 / scaler.scale() : 1;
            for (Map.Entry<String, NDArray> e : workingParams.entrySet()) {
                NDArray g = e.getValue().getGradient();
                grads.put(e.getKey(), half ? g.toType(DataType.FLOAT32, false) : g);
            }
            norm = Gradients.globalNorm(grads.values()) * unscale;
            boolean overflow = !Double.isFinite(norm);
            if (half) {
                scaler.update(overflow);
                if (overflow) skipped = "fp16 overflow, loss scale now " + scaler.scale();
            } else if (overflow) {
                skipped = "gradient norm is " + norm;
                System.err.println("tooltune train: step " + globalStep + " skipped: " + skipped);
            }
            if (skipped == null) {
                optimizer.step(masterParams, grads, lr, unscale * Gradients.clipCoefficient(cfg.maxGradNorm(), norm));
                schedulerSteps++;
                if (working != master) copyMastersToWorking();
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

    /** transformers-style log_history: every --logging-steps, the mean window loss since the last entry. */
    private void addHistory(StepLog entry) {
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
}
