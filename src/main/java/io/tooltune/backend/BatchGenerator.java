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
}
