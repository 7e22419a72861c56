package io.tooltune.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.io.Safetensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fixtures/llama/lora's training data as tooltune reads it, and a run's training_log.jsonl. */
public final class LoraFixtures {
    private LoraFixtures() {}

    /** {@code fixture}/train.jsonl as token records with ids ex0, ex1, ..., written to {@code file}. */
    public static Path trainingData(Path fixture, Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(fixture.resolve("train.jsonl"))) {
            JsonNode e = Json.MAPPER.readTree(line);
            lines.add(Json.MAPPER.writeValueAsString(Map.of("id", "ex" + i++, "input_ids", e.get("input_ids"), "labels", e.get("labels"))));
        }
        return Files.write(file, lines);
    }

    /**
     * {@code tooltune train} with the reference run's settings (expected_training.json's {@code config}: batch 2 ×
     * accumulation 2, two epochs in file order, fp32), on {@code data} into {@code output}, plus {@code extra}.
     */
    public static String[] trainArgs(Path model, Path data, Path output, JsonNode config, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--data", data.toString(),
                "--output", output.toString(), "--learning-rate", config.get("learning_rate").asText(),
                "--warmup-steps", config.get("warmup_steps").asText(), "--lr-scheduler", "linear", "--batch-size", "2",
                "--gradient-accumulation-steps", "2", "--epochs", "2", "--max-grad-norm", config.get("max_grad_norm").asText(),
                "--weight-decay", config.get("weight_decay").asText(), "--no-shuffle", "--save-steps", "0",
                "--logging-steps", "1", "--precision", "fp32"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** Every step of {@code output}/training_log.jsonl. */
    public static List<JsonNode> log(Path output) throws Exception {
        List<JsonNode> log = new ArrayList<>();
        for (String l : Files.readAllLines(output.resolve("training_log.jsonl"))) if (!l.isBlank()) log.add(Json.MAPPER.readTree(l));
        return log;
    }

    /**
     * Each step of {@code log} against the reference log {@code ref}: same number of steps, none skipped, label
     * tokens and learning rate exact, loss and grad_norm within the given relative tolerances.
     */
    public static void assertTrajectory(JsonNode ref, List<JsonNode> log, double lossRel, double normRel, String what) {
        assertEquals(ref.size(), log.size(), what + " steps");
        for (int s = 0; s < ref.size(); s++) {
            JsonNode r = ref.get(s);
            JsonNode g = log.get(s);
            String step = what + " step " + (s + 1);
            assertTrue(g.path("skipped").isNull() || g.path("skipped").isMissingNode(), step + " skipped: " + g);
            assertEquals(r.get("label_tokens").asLong(), g.get("label_tokens").asLong(), step);
            assertEquals(r.get("learning_rate").asDouble(), g.get("learning_rate").asDouble(), 1e-12, step + " learning_rate");
            double loss = r.get("loss").asDouble();
            assertEquals(loss, g.get("loss").asDouble(), lossRel * Math.abs(loss), step + " loss");
            double norm = r.get("grad_norm").asDouble();
            assertEquals(norm, g.get("grad_norm").asDouble(), normRel * Math.abs(norm), step + " grad_norm");
        }
    }

    /**
     * {@code merge}'s output {@code merged}/model.safetensors against {@code fixture}/expected_merged.safetensors,
     * compared as the update each targeted weight of {@code model} gets, within {@code tol} of the largest update.
     */
    public static void assertMergedUpdates(Path model, Path fixture, Path merged, double tol) {
        Map<String, Safetensors.Tensor> got = Safetensors.read(merged.resolve("model.safetensors"));
        try (LoadedModel b = ModelFolder.load(model)) {
            Safetensors.read(fixture.resolve("expected_merged.safetensors")).forEach((k, t) -> {
                float[] before = b.model().parameters().get(k).toFloatArray();
                float[] after = got.get(k).data();
                double worst = 0;
                double largest = 0;
                for (int i = 0; i < before.length; i++) {
                    double update = t.data()[i] - before[i];
                    worst = Math.max(worst, Math.abs(update - (after[i] - before[i])));
                    largest = Math.max(largest, Math.abs(update));
                }
                assertTrue(worst <= tol * largest, "merged " + k + ": update differs by " + worst + " (largest " + largest + ")");
            });
        }
    }
}
