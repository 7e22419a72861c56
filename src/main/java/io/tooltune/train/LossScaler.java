package io.tooltune.train;

/**
 * Dynamic loss scaling as torch's GradScaler defaults: start at 2^16, halve and skip the step on an overflow,
 * double after 2000 consecutive clean steps.
 */
public final class LossScaler {
    public static final double INITIAL = 65536.0;
    public static final int GROWTH_INTERVAL = 2000;

    private double scale;
    private int cleanSteps;

    public LossScaler(double scale, int cleanSteps) {
        this.scale = scale;
        this.cleanSteps = cleanSteps;
    }

    /** Restores the state saved in a checkpoint. */
    public void restore(double savedScale, int savedCleanSteps) {
        this.scale = savedScale;
        this.cleanSteps = savedCleanSteps;
    }

    public double scale() {
        return scale;
    }

    public int cleanSteps() {
        return cleanSteps;
    }

    /** Records the outcome of one step: an overflow halves the scale, a clean run of 2000 doubles it. */
    public void update(boolean overflow) {
        if (overflow) {
            scale *= 0.5;
            cleanSteps = 0;
        } else if (++cleanSteps == GROWTH_INTERVAL) {
            scale *= 2.0;
            cleanSteps = 0;
        }
    }
}
