package io.tooltune.model;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A LoRA adapter's settings with PEFT's meanings: rank {@code r}, {@code alpha}, dropout on the adapter's input,
 * the target modules, and rsLoRA scaling.
 *
 * @param targetModules module-name suffixes ({@code q_proj}), the single entry {@code all-linear} (every Linear of
 *                      the decoder, not the output head), or {@code regex} when {@code targetRegex} is set
 * @param targetRegex   PEFT's string form of target_modules: a regular expression the whole module path must match
 *                      (null when {@code targetModules} is a list)
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, String targetRegex,
                         boolean useRslora) {
    public static final String ALL_LINEAR = "all-linear";

    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty() && targetRegex == null) throw new IllegalArgumentException("LoRA needs target modules");
    }

    /** Targets given as a list of names (or {@code all-linear}). */
    public static LoraConfig of(int r, double alpha, double dropout, List<String> targets, boolean useRslora) {
        return new LoraConfig(r, alpha, dropout, targets, null, useRslora);
    }

    /** The factor on {@code B·A·x}: alpha / r, or alpha / √r with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** Whether the Linear at {@code module} (a Hugging Face module path) gets an adapter. */
    public boolean targets(String module) {
        if (targetRegex != null) return Pattern.matches(targetRegex, module);
        if (targetModules.equals(List.of(ALL_LINEAR))) return true;
        for (String t : targetModules) if (module.equals(t) || module.endsWith("." + t)) return true;
        return false;
    }
}
