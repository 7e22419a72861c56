package io.tooltune.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
}
