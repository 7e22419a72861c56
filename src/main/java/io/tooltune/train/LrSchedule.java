package io.tooltune.train;

import io.tooltune.BadInputException;

import java.util.Locale;

/**
 * Learning-rate multipliers of transformers' schedules with warm-up ({@code get_*_schedule_with_warmup}). Optimizer
 * step k (0-based: the scheduler has been stepped k times) uses {@code lr * factor(k)}, so step 0 uses 0 during
 * warm-up.
 */
public enum LrSchedule {
    LINEAR, COSINE, CONSTANT;

    public double factor(long k, long warmup, long total) {
        if (k < warmup) return (double) k / Math.max(1, warmup);
        return switch (this) {
            case LINEAR -> Math.max(0.0, (double) (total - k) / Math.max(1, total - warmup));
            case COSINE -> {
                double progress = (double) (k - warmup) / Math.max(1, total - warmup);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
            case CONSTANT -> 1.0;
        };
    }

    public static LrSchedule parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "linear" -> LINEAR;
            case "cosine" -> COSINE;
            case "constant", "constant_with_warmup" -> CONSTANT;
            default -> throw new BadInputException("--lr-scheduler: unknown schedule '" + s
                    + "' (linear, cosine, constant)");
        };
    }
}
