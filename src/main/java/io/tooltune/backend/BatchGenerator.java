package io.tooltune.backend;

import java.util.List;

/**
 * Text completion for several prompts at once (one batch: left padding, per-sequence stop). The local model's
 * implementation wraps core's {@code io.tooltune.generate.Generator}; tests use scripted ones.
 */
@FunctionalInterface
public interface BatchGenerator {
    record Completion(String text, int promptTokens, int newTokens) {}

    List<Completion> generate(List<String> prompts) throws Exception;

    /**
     * As {@link #generate(List)}, with each prompt's offered function names for format-safe decoding of its Action line
     * (a null entry: free decoding). Generators that cannot constrain decoding ignore them.
     */
    default List<Completion> generate(List<String> prompts, List<List<String>> functionNames) throws Exception {
        return generate(prompts);
    }
}
