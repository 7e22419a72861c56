package io.tooltune.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Allowed ranges of the numeric options, checked as picocli parses them: a value outside is a usage error (exit 2)
 * whose message names the option and its range, e.g. "Invalid value for option '--batch-size': 0 is not
 * allowed, must be at least 1". Numbers that are not finite (NaN, Infinity) are refused everywhere.
 */
final class Ranges {
    private Ranges() {}

    /** A parser and the values it accepts, described as picocli reports them ("must be at least 1"). */
    private abstract static class Checked<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;
        private final Predicate<T> allowed;
        private final String range;

        Checked(Function<String, T> parse, Predicate<T> allowed, String range) {
            this.parse = parse;
            this.allowed = allowed;
            this.range = range;
        }

        @Override
        public T convert(String value) {
            T v = parse.apply(value);
            if (!allowed.test(v)) throw new TypeConversionException(value.strip() + " is not allowed, " + range);
            return v;
        }
    }

    /** Counts such as --batch-size, --pass-at, --concurrency: 1 or more. */
    static final class Positive extends Checked<Integer> {
        Positive() {
            super(Ranges::parseInt, v -> v >= 1, "must be at least 1");
        }
    }

    /** Counts where 0 means none or off, such as --warmup-steps, --top-k, --save-steps: 0 or more. */
    static final class NonNegative extends Checked<Integer> {
        NonNegative() {
            super(Ranges::parseInt, v -> v >= 0, "must be at least 0");
        }
    }

    /** Long twin of {@link NonNegative}, for millisecond delays. */
    static final class NonNegativeLong extends Checked<Long> {
        NonNegativeLong() {
            super(Ranges::parseLong, v -> v >= 0, "must be at least 0");
        }
    }

    /** train --max-steps: optimizer steps (1 or more), or -1 to train for --epochs. */
    static final class StepsOrEpochs extends Checked<Integer> {
        StepsOrEpochs() {
            super(Ranges::parseInt, v -> v == -1 || v >= 1, "must be at least 1, or -1 to train for --epochs");
        }
    }

    /** A TCP port, 0 (pick a free one) to 65535. */
    static final class Port extends Checked<Integer> {
        Port() {
            super(Ranges::parseInt, v -> v >= 0 && v <= 65535, "must be between 0 and 65535");
        }
    }

    /** Rates, norms, decays, temperatures: finite and 0 or more. */
    static final class NonNegativeReal extends Checked<Double> {
        NonNegativeReal() {
            super(Ranges::parseFinite, v -> v >= 0, "must be at least 0");
        }
    }

    /** Budgets such as demo --minutes: finite and more than 0. */
    static final class PositiveReal extends Checked<Double> {
        PositiveReal() {
            super(Ranges::parseFinite, v -> v > 0, "must be greater than 0");
        }
    }

    /** Probability masses such as --top-p: in (0, 1]. */
    static final class Probability extends Checked<Double> {
        Probability() {
            super(Ranges::parseFinite, v -> v > 0 && v <= 1, "must be greater than 0 and at most 1");
        }
    }

    private static int parseInt(String value) {
        long v = parseLong(value);
        if (v != (int) v) throw new TypeConversionException(value.strip() + " is not allowed, it is too large");
        return (int) v;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    private static double parseFinite(String value) {
        double v;
        try {
            v = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
        if (!Double.isFinite(v)) throw new TypeConversionException(value.strip() + " is not allowed, must be a finite number");
        return v;
    }
}
