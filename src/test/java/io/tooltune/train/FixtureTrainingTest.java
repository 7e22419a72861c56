package io.tooltune.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.model.io.Safetensors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tooltune train} with the fixture's settings reproduces expected_training.json (loss, grad_norm and
 * learning rate of all 6 steps within 1e-4 relative) and expected_after_training.safetensors (every parameter
 * within 1e-4), for both fixture models; gradient checkpointing must give the same trajectory, fp16 a close one.
 */
class FixtureTrainingTest {
    @TempDir
    Path tmp;

    static Path writeData(JsonNode expected, Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (JsonNode e : expected.get("examples")) {
            lines.add(Json.MAPPER.writeValueAsString(Map.of("id", "ex" + i++, "input_ids", e.get("input_ids"),
                    "labels", e.get("labels"))));
        }
        Files.write(file, lines);
        return file;
    }

    static String[] fixtureFlags(Path model, Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--data", data.toString(),
                "--output", out.toString(), "--learning-rate", "1e-3", "--warmup-steps", "2", "--lr-scheduler", "linear",
                "--batch-size", "2", "--gradient-accumulation-steps", "2", "--epochs", "2", "--max-grad-norm", "0.3",
                "--weight-decay", "0.01", "--no-shuffle", "--save-steps", "0", "--logging-steps", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static List<JsonNode> readLog(Path out) throws Exception {
        List<JsonNode> log = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("training_log.jsonl"))) if (!l.isBlank()) log.add(Json.MAPPER.readTree(l));
        return log;
    }

    private static void assertRel(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol * Math.max(Math.abs(expected), 1e-12),
                what + ": expected " + expected + ", got " + actual);
    }

    @ParameterizedTest
    @CsvSource({"tiny-opt-prenorm, fp32, --no-gradient-checkpointing, 1e-4",
            "tiny-opt-postnorm, fp32, --no-gradient-checkpointing, 1e-4",
            "tiny-opt-prenorm, fp32, --gradient-checkpointing, 1e-4",
            "tiny-opt-postnorm, fp32, --gradient-checkpointing, 1e-4",
            "tiny-opt-postnorm, fp16, --gradient-checkpointing, 2e-2"})
    void reproducesTheReferenceRun(String name, String precision, String checkpointing, double tol) throws Exception {
        Path model = Shared.path("fixtures/opt/" + name);
        JsonNode expected = Json.MAPPER.readTree(model.resolve("expected_training.json").toFile());
        Path data = writeData(expected, tmp.resolve("data.jsonl"));
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run(fixtureFlags(model, data, out, "--precision", precision, checkpointing)));

        List<JsonNode> log = readLog(out);
        JsonNode ref = expected.get("log");
        assertEquals(ref.size(), log.size());
        for (int s = 0; s < ref.size(); s++) {
            JsonNode r = ref.get(s);
            JsonNode g = log.get(s);
            assertEquals(r.get("step").asLong(), g.get("step").asLong());
            assertEquals(r.get("label_tokens").asLong(), g.get("label_tokens").asLong());
            assertRel(r.get("loss").asDouble(), g.get("loss").asDouble(), tol, name + " step " + (s + 1) + " loss");
            assertRel(r.get("grad_norm").asDouble(), g.get("grad_norm").asDouble(), tol * 5 > 1e-4 ? tol * 5 : 1e-4,
                    name + " step " + (s + 1) + " grad_norm");
            assertEquals(r.get("learning_rate").asDouble(), g.get("learning_rate").asDouble(), 1e-12);
        }
        assertTrue(Files.isRegularFile(out.resolve("loss_curve.png")));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-6").resolve("optimizer.safetensors")));
        if (!precision.equals("fp32")) return;

        Map<String, Safetensors.Tensor> after = Safetensors.read(out.resolve("model.safetensors"));
        Map<String, Safetensors.Tensor> want = Safetensors.read(model.resolve("expected_after_training.safetensors"));
        int compared = 0;
        for (Map.Entry<String, Safetensors.Tensor> e : want.entrySet()) {
            String key = e.getKey();
            if (key.endsWith(".rows")) continue;
            float[] exp = e.getValue().data();
            float[] got;
            if (key.endsWith("embed_tokens.weight.at_rows")) {
                String base = key.substring(0, key.length() - ".at_rows".length());
                float[] rows = want.get(base + ".rows").data();
                Safetensors.Tensor full = after.get(base);
                int dim = (int) full.shape()[1];
                got = new float[rows.length * dim];
                for (int r = 0; r < rows.length; r++) System.arraycopy(full.data(), (int) rows[r] * dim, got, r * dim, dim);
            } else {
                got = after.get(key).data();
            }
            assertEquals(exp.length, got.length, key);
            int bad = 0; double worst = 0;
            for (int i = 0; i < exp.length; i++) {
                double d = Math.abs(exp[i] - got[i]);
                if (d > 1e-4) bad++;
                worst = Math.max(worst, d);
            }
            assertEquals(0, bad, name + " " + key + ": " + bad + " of " + exp.length + " values off by more than 1e-4 (worst "
                    + worst + ")");
            compared++;
        }
        assertTrue(compared >= 10, "compared " + compared + " tensors");
    }
}
