package io.tooltune.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Allowed ranges of the numeric options, checked as picocli parses them: a value outside is a usage error (exit 2)
 * whose message names the option and its range, e.g. "Invalid value for option '--batch-size': 0 is not
 * allowed, must be at least 1". Numbers that are not finite (NaN, Infinity) are refused everywhere.
 */
final class Ranges {
    private Ranges() {}

    /** Counts such as --batch-size, --pass-at, --concurrency: 1 or more. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 1);
        }
    }

    /** Counts where 0 means none or off, such as --warmup-steps, --top-k, --save-steps: 0 or more. */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 0);
        }
    }

    /** Long twin of {@link NonNegative}, for millisecond delays. */
    static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long v = parseLong(value);
            if (v < 0) throw refused(value, "must be at least 0");
            return v;
        }
    }

    /** train --max-steps: optimizer steps (1 or more), or -1 to train for --epochs. */
    static final class StepsOrEpochs implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = parseInt(value);
            if (v != -1 && v < 1) throw refused(value, "must be at least 1, or -1 to train for --epochs");
            return v;
        }
    }

    /** A TCP port, 0 (pick a free one) to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = parseInt(value);
            if (v < 0 || v > 65535) throw refused(value, "must be between 0 and 65535");
            return v;
        }
    }

    /** Rates, norms, decays, temperatures, minutes: finite and 0 or more. */
    static final class NonNegativeReal implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = parseFinite(value);
            if (v < 0) throw refused(value, "must be at least 0");
            return v;
        }
    }

    /** Budgets such as demo --minutes: finite and more than 0. */
    static final class PositiveReal implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = parseFinite(value);
            if (!(v > 0)) throw refused(value, "must be greater than 0");
            return v;
        }
    }

    /** Probability masses such as --top-p: in (0, 1]. */
    static final class Probability implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = parseFinite(value);
            if (!(v > 0 && v <= 1)) throw refused(value, "must be greater than 0 and at most 1");
            return v;
        }
    }

    private static int atLeast(String value, int min) {
        int v = parseInt(value);
        if (v < min) throw refused(value, "must be at least " + min);
        return v;
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
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
        if (!Double.isFinite(v)) throw refused(value, "must be a finite number");
        return v;
    }

    private static TypeConversionException refused(String value, String range) {
        return new TypeConversionException(value.strip() + " is not allowed, " + range);
    }
}
