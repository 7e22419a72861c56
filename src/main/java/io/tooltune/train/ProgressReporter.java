package io.tooltune.train;

import io.tooltune.Progress;

import java.util.Locale;
import java.util.function.LongSupplier;

/** The training progress bar: steps of the total, with loss, learning rate and tokens per second of this run. */
public final class ProgressReporter implements TrainerCallback {
    private final LongSupplier nanoClock;
    private Progress progress;
    private long startNanos;
    private long tokens;

    public ProgressReporter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public void onTrainBegin(SftTrainer trainer) {
        progress = Progress.start("train", trainer.totalSteps());
        startNanos = nanoClock.getAsLong();
        if (trainer.totalSettled()) progress.stepTo(trainer.globalStep());
    }

    @Override
    public void onStepEnd(SftTrainer trainer, StepLog step) {
        tokens += step.tokens();
        double secs = (nanoClock.getAsLong() - startNanos) / 1e9;
        progress.retotal(trainer.totalSteps());
        progress.status(String.format(Locale.ROOT, "loss %.4f lr %.3g %.0f tok/s", step.loss(), step.learningRate(),
                tokens / Math.max(1e-9, secs)));
        // while a listener is still fitting the total, a fraction of it would mislead
        if (trainer.totalSettled()) progress.stepTo(trainer.globalStep());
    }

    @Override
    public void onTrainEnd(SftTrainer trainer) {
        progress.close();
    }
}
