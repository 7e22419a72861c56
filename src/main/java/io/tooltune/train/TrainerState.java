package io.tooltune.train;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * trainer_state.json: where a run stands, enough to resume it exactly. The random state is the seed: the data
 * order of epoch e is drawn from (seed, e) and the dropout masks of each layer from (seed, step, micro-batch,
 * layer), so restoring the step restores every random stream. {@code logHistory} holds the averaged entries of
 * every --logging-steps, as transformers' TrainerState does.
 */
public record TrainerState(
        @JsonProperty("global_step") long globalStep,
        @JsonProperty("max_steps") long maxSteps,
        @JsonProperty("epoch") double epoch,
        @JsonProperty("scheduler_steps") long schedulerSteps,
        @JsonProperty("optimizer_steps") long optimizerSteps,
        @JsonProperty("loss_scale") double lossScale,
        @JsonProperty("loss_scale_clean_steps") int lossScaleCleanSteps,
        @JsonProperty("seed") long seed,
        @JsonProperty("num_input_tokens_seen") long tokensSeen,
        @JsonProperty("logging_steps") int loggingSteps,
        @JsonProperty("save_steps") int saveSteps,
        @JsonProperty("train_batch_size") int trainBatchSize,
        @JsonProperty("log_history") List<Map<String, Object>> logHistory) {}
