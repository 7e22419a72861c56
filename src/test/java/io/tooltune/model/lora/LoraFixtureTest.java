package io.tooltune.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.model.GradMode;
import io.tooltune.model.io.AdapterFolder;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.io.Safetensors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tooltune train --adapter} continuing each fixture's initial PEFT adapter reproduces fixtures/llama/lora:
 * the trajectory (loss and grad_norm 1e-4 relative, learning rate, label tokens), the trained adapter (keys,
 * adapter_config.json, values 1e-4 relative to each tensor's largest entry), {@code tooltune merge}'s merged
 * weights, and the logits of base + trained adapter applied unmerged.
 */
class LoraFixtureTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"tiny-llama, llama/tiny-llama, --no-gradient-checkpointing",
            "tiny-llama, llama/tiny-llama, --gradient-checkpointing",
            "tiny-qwen2, llama/tiny-qwen2, --gradient-checkpointing",
            "tiny-opt-prenorm, opt/tiny-opt-prenorm, --no-gradient-checkpointing"})
    void reproducesTheReferenceRun(String name, String base, String checkpointing) throws Exception {
        Path model = Shared.path("fixtures/" + base);
        Path fixture = Shared.path("fixtures/llama/lora/" + name);
        JsonNode expected = Json.MAPPER.readTree(fixture.resolve("expected_training.json").toFile());
        Path out = tmp.resolve("out");
        JsonNode c = expected.get("config");
        Path data = LoraFixtures.trainingData(fixture, tmp.resolve("data.jsonl"));
        assertEquals(0, Main.run(LoraFixtures.trainArgs(model, data, out, c, "--adapter", fixture.toString(), checkpointing)));

        LoraFixtures.assertTrajectory(expected.get("log"), LoraFixtures.log(out), TOLERANCE, TOLERANCE, name);
        Path want = fixture.resolve("expected_adapter");
        assertEquals(config(want), config(out), "adapter_config.json");
        Map<String, Safetensors.Tensor> trained = Safetensors.read(out.resolve(AdapterFolder.WEIGHTS));
        Map<String, Safetensors.Tensor> reference = Safetensors.read(want.resolve(AdapterFolder.WEIGHTS));
        assertEquals(reference.keySet(), trained.keySet());
        reference.forEach((k, t) -> assertClose(t.data(), trained.get(k).data(), k));

        Path merged = tmp.resolve("merged");
        assertEquals(0, Main.run("merge", "--model", model.toString(), "--adapter", out.toString(), "--output", merged.toString()));
        LoraFixtures.assertMergedUpdates(model, fixture, merged, TOLERANCE);

        assertUnmergedLogits(model, out, fixture.resolve("expected_adapter_logits.safetensors"));
    }

    /** adapter_config.json with target_modules as a sorted list (PEFT writes a set, in any order). */
    private static JsonNode config(Path dir) throws Exception {
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(dir.resolve(AdapterFolder.CONFIG).toFile());
        TreeSet<String> targets = new TreeSet<>();
        o.get("target_modules").forEach(n -> targets.add(n.asText()));
        o.set("target_modules", Json.MAPPER.valueToTree(targets));
        return o;
    }

    private static void assertUnmergedLogits(Path model, Path adapter, Path file) {
        Map<String, Safetensors.Tensor> ref = Safetensors.read(file);
        Safetensors.Tensor ids = ref.get("trained_adapter.input_ids");
        float[] mask = ref.get("trained_adapter.attention_mask").data();
        float[] columns = ref.get("trained_adapter.columns").data();
        float[] want = ref.get("trained_adapter.logits_at_columns").data();
        int rows = (int) ids.shape()[0];
        int cols = (int) ids.shape()[1];
        try (LoadedModel m = ModelFolder.load(model); GradMode.Scope noGrad = GradMode.noGrad(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            AdapterFolder.attach(adapter, m.model());
            long[] idData = new long[rows * cols];
            long[] maskData = new long[rows * cols];
            for (int i = 0; i < idData.length; i++) {
                idData[i] = (long) ids.data()[i];
                maskData[i] = (long) mask[i];
            }
            Shape shape = new Shape(rows, cols);
            NDArray logits = m.model().forward(m.model().manager().create(idData, shape),
                    m.model().manager().create(maskData, shape), null, false);
            float[] got = logits.toFloatArray();
            int vocab = (int) logits.getShape().get(2);
            double worst = 0;
            double largest = 0;
            for (int p = 0; p < rows * cols; p++) {
                if (mask[p] == 0) continue;
                for (int j = 0; j < columns.length; j++) {
                    double e = want[p * columns.length + j];
                    worst = Math.max(worst, Math.abs(e - got[p * vocab + (int) columns[j]]));
                    largest = Math.max(largest, Math.abs(e));
                }
            }
            assertTrue(worst <= TOLERANCE * largest, "unmerged logits differ by " + worst + " (largest " + largest + ")");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        assertTrue(worst <= TOLERANCE * largest, what + " differs by " + worst + " (largest entry " + largest + ")");
    }
}
