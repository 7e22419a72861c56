package io.tooltune.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One optimizer step as training_log.jsonl records it: window loss (summed token cross-entropy / label tokens),
 * pre-clip global gradient norm, learning rate used, tokens (non-pad) and label tokens in the window, seconds the
 * step took, and why it was skipped (null when it was not).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepLog(
        @JsonProperty("step") long step,
        @JsonProperty("loss") double loss,
        @JsonProperty("grad_norm") double gradNorm,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("tokens") long tokens,
        @JsonProperty("label_tokens") long labelTokens,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("skipped") String skipped) {}
