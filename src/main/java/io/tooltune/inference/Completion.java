package io.tooltune.inference;

import io.tooltune.generate.TokenLogprob;

import java.util.List;

/**
 * One request's generated text (without the prompt), its token counts, whether the token limit ended it, and one
 * log-probability per generated token when the request asked for them (else empty).
 */
public record Completion(String text, int promptTokens, int completionTokens, boolean hitMaxTokens,
                         List<TokenLogprob> logprobs) {
    public Completion {
        logprobs = List.copyOf(logprobs);
    }

    public Completion(String text, int promptTokens, int completionTokens, boolean hitMaxTokens) {
        this(text, promptTokens, completionTokens, hitMaxTokens, List.of());
    }
}
