package io.tooltune.inference;

import io.tooltune.generate.GenerationConfig;

import java.util.List;

/**
 * One completion request: the full prompt, its decoding settings, and the function names its Action line may call
 * (format-safe decoding, see {@link io.tooltune.generate.FunctionNameConstraint}; null: free decoding).
 */
public record InferenceRequest(String prompt, GenerationConfig config, List<String> functionNames) {
    public InferenceRequest(String prompt, GenerationConfig config) {
        this(prompt, config, null);
    }

    /** Requests that can share a batch: the same decoding settings (the function names may differ per sequence). */
    boolean batchesWith(InferenceRequest other) {
        return config.equals(other.config);
    }
}
