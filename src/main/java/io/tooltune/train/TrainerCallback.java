package io.tooltune.train;

import java.nio.file.Path;

/**
 * A listener to the training loop, as transformers' TrainerCallback: run-specific concerns (the log file,
 * checkpoints, progress, a time budget) hook in here instead of living in the loop. Listeners run in the order
 * they were added and may read the trainer's state; {@link SftTrainer#setTotalSteps} lets one move the end of
 * the schedule.
 */
public interface TrainerCallback {
    /** Before the first step of this run (after a resume, at the checkpoint's step). */
    default void onTrainBegin(SftTrainer trainer) {}

    /** After each optimizer step (skipped ones included), with its log entry. */
    default void onStepEnd(SftTrainer trainer, StepLog step) {}

    /** After a checkpoint folder was written. */
    default void onSave(SftTrainer trainer, Path checkpoint) {}

    /** After the last step, or after the step at which a stop was requested. */
    default void onTrainEnd(SftTrainer trainer) {}
}
