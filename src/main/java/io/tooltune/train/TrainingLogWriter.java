package io.tooltune.train;

import io.tooltune.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * training_log.jsonl: one {@link StepLog} line per optimizer step, appended as the step ends so that a killed
 * run keeps every step it finished. A resumed run first drops the lines after its checkpoint.
 */
public final class TrainingLogWriter implements TrainerCallback {
    public static final String FILE = "training_log.jsonl";
    private final Path file;

    public TrainingLogWriter(Path outputDir) {
        this.file = outputDir.resolve(FILE);
    }

    @Override
    public void onTrainBegin(SftTrainer trainer) {
        try {
            Files.createDirectories(file.getParent());
            keepUpTo(trainer.globalStep());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onStepEnd(SftTrainer trainer, StepLog step) {
        try {
            Files.writeString(file, Json.MAPPER.writeValueAsString(step) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Rewrites the log without the steps after {@code step} (a killed run may have logged more than it saved). */
    private void keepUpTo(long step) throws IOException {
        if (!Files.exists(file)) return;
        List<String> kept = new ArrayList<>();
        if (step > 0) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                if (Json.MAPPER.readTree(line).path("step").asLong() <= step) kept.add(line);
            }
        }
        Checkpoints.writeAtomically(file, (kept.isEmpty() ? "" : String.join("\n", kept) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
