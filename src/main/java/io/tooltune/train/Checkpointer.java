package io.tooltune.train;

import io.tooltune.model.CausalLM;

import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * Writes {@code checkpoint-STEP/} folders every {@code saveSteps} steps and one at the end of the run (unless the
 * last step was just saved); a run that was not stopped early also writes the final model and trainer_state.json
 * into the output folder itself.
 */
public final class Checkpointer implements TrainerCallback {
    private final Path outputDir;
    private final int saveSteps;
    private final BiConsumer<CausalLM, Path> modelWriter;
    private long savedStep = -1;

    /**
     * @param saveSteps   a checkpoint every N optimizer steps; 0: only at the end
     * @param modelWriter writes a model as a Hugging Face folder (config, weights, tokenizer) into a directory
     */
    public Checkpointer(Path outputDir, int saveSteps, BiConsumer<CausalLM, Path> modelWriter) {
        this.outputDir = outputDir;
        this.saveSteps = saveSteps;
        this.modelWriter = modelWriter;
    }

    @Override
    public void onStepEnd(SftTrainer trainer, StepLog step) {
        if (saveSteps > 0 && trainer.globalStep() % saveSteps == 0) save(trainer);
    }

    @Override
    public void onTrainEnd(SftTrainer trainer) {
        if (trainer.globalStep() > 0 && savedStep != trainer.globalStep()) save(trainer);
        if (trainer.stopRequested()) return;
        modelWriter.accept(trainer.model(), outputDir);
        Checkpoints.writeState(outputDir.resolve(Checkpoints.STATE), trainer.state());
    }

    private void save(SftTrainer trainer) {
        Path dir = Checkpoints.save(outputDir, trainer.state(), d -> modelWriter.accept(trainer.model(), d),
                trainer.optimizer());
        savedStep = trainer.globalStep();
        trainer.checkpointSaved(dir);
    }
}
