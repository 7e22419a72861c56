package io.tooltune.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Ends training at a deadline with its schedule complete (the demo's time budget): from the
 * {@value #FIT_AFTER_STEPS}th measured step of this run on, the total step count becomes the steps done plus the
 * time left over the mean time of recent steps (never more than the configuration asks for), so a linear decay
 * reaches zero at the deadline however fast the machine turns out to be. Time comes from an injected clock, so
 * tests can run it on a fake one.
 */
public final class DeadlineFitter implements TrainerCallback {
    /** Steps whose times are ignored (one-time costs), and then steps measured before the first fit. */
    static final int FIT_AFTER_STEPS = 5;
    private static final int FIT_WINDOW = 50;

    private final Duration budget;
    private final LongSupplier nanoClock;
    private final List<Long> stepNanos = new ArrayList<>();
    private long deadline;
    private long lastStepEnd;
    private long configured;

    /** @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime} */
    public DeadlineFitter(Duration budget, LongSupplier nanoClock) {
        this.budget = budget;
        this.nanoClock = nanoClock;
    }

    @Override
    public void onTrainBegin(SftTrainer trainer) {
        lastStepEnd = nanoClock.getAsLong();
        deadline = lastStepEnd + budget.toNanos();
        configured = trainer.totalSteps();
        trainer.setTotalSteps(configured, false);
    }

    @Override
    public void onStepEnd(SftTrainer trainer, StepLog step) {
        long now = nanoClock.getAsLong();
        stepNanos.add(now - lastStepEnd);
        lastStepEnd = now;
        double left = (deadline - now) / 1e9;
        if (left <= 0) {
            trainer.setTotalSteps(trainer.globalStep(), true);
            return;
        }
        int measured = stepNanos.size() - FIT_AFTER_STEPS;
        if (measured < FIT_AFTER_STEPS) return;
        double mean = stepNanos.subList(stepNanos.size() - Math.min(measured, FIT_WINDOW), stepNanos.size()).stream()
                .mapToLong(Long::longValue).average().orElseThrow() / 1e9;
        trainer.setTotalSteps(Math.min(configured, trainer.globalStep() + (long) Math.max(0, left / mean)), true);
    }
}
