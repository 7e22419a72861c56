package io.tooltune.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The demo's wall-clock budget: a deadline for the whole run, shares of it for each phase, and the measured time
 * of every phase (printed at the end and written into the report).
 */
public final class Budget {
    private final long start = System.nanoTime();
    private final double totalSeconds;
    private final List<Phase> phases = new ArrayList<>();

    public record Phase(String name, double seconds) {}

    public Budget(double minutes) {
        this.totalSeconds = minutes * 60;
    }

    public double totalSeconds() {
        return totalSeconds;
    }

    public double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    public double left() {
        return totalSeconds - elapsed();
    }

    /** Seconds for a phase that gets {@code share} of the whole budget, never more than what is left. */
    public double share(double share) {
        return Math.max(0, Math.min(totalSeconds * share, left()));
    }

    /** Runs a phase, records its duration and prints it. */
    public <T> T phase(String name, Supplier<T> body) {
        long t0 = System.nanoTime();
        System.err.printf(Locale.ROOT, "[demo %5.0fs] %s ...%n", elapsed(), name);
        T out = body.get();
        double secs = (System.nanoTime() - t0) / 1e9;
        phases.add(new Phase(name, secs));
        System.err.printf(Locale.ROOT, "[demo %5.0fs] %s done in %.1fs%n", elapsed(), name, secs);
        return out;
    }

    public void phase(String name, Runnable body) {
        phase(name, () -> {
            body.run();
            return null;
        });
    }

    public List<Phase> phases() {
        return List.copyOf(phases);
    }
}
