package io.tooltune.inference;

/** One request's generated text (without the prompt), its token counts, and whether the token limit ended it. */
public record Completion(String text, int promptTokens, int completionTokens, boolean hitMaxTokens) {}
