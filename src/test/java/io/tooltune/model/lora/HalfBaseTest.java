package io.tooltune.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.CliRun;
import io.tooltune.cli.Main;
import io.tooltune.model.LoraAdapter;
import io.tooltune.model.LoraConfig;
import io.tooltune.model.io.AdapterFolder;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.io.Safetensors;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --base-precision fp16}: the frozen base's Linear weights held in float16 alone, the computation in
 * float32. Against fixtures/llama/lora's float32 reference run: the loss within 2e-3 relative and the gradient norm
 * within 1e-2 relative at every step (what rounding the base weights to float16 moves), the saved adapter has the
 * reference's keys and config, and {@code merge} applies it: the update each merged weight gets is the reference's
 * within 2e-2 of the largest update.
 */
class HalfBaseTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"tiny-llama, llama/tiny-llama, --no-gradient-checkpointing",
            "tiny-opt-prenorm, opt/tiny-opt-prenorm, --gradient-checkpointing"})
    void followsTheFloat32ReferenceAndSavesAMergeableAdapter(String name, String base, String checkpointing) throws Exception {
        Path model = Shared.path("fixtures/" + base);
        Path fixture = Shared.path("fixtures/llama/lora/" + name);
        JsonNode expected = Json.MAPPER.readTree(fixture.resolve("expected_training.json").toFile());
        Path data = LoraFixtures.trainingData(fixture, tmp.resolve("data.jsonl"));
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run(LoraFixtures.trainArgs(model, data, out, expected.get("config"), "--adapter",
                fixture.toString(), checkpointing, "--base-precision", "fp16")));

        LoraFixtures.assertTrajectory(expected.get("log"), LoraFixtures.log(out), 2e-3, 1e-2, name);
        Path want = fixture.resolve("expected_adapter");
        assertEquals(Json.MAPPER.readTree(want.resolve(AdapterFolder.CONFIG).toFile()).get("r"),
                Json.MAPPER.readTree(out.resolve(AdapterFolder.CONFIG).toFile()).get("r"));
        assertEquals(Safetensors.read(want.resolve(AdapterFolder.WEIGHTS)).keySet(),
                Safetensors.read(out.resolve(AdapterFolder.WEIGHTS)).keySet());

        Path merged = tmp.resolve("merged");
        assertEquals(0, Main.run("merge", "--model", model.toString(), "--adapter", out.toString(), "--output", merged.toString()));
        LoraFixtures.assertMergedUpdates(model, fixture, merged, 2e-2);
    }

    @Test
    void theTrainerStoresOnlyTheLinearWeightsInHalf() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/llama/tiny-llama"))) {
            m.model().linears().attach(LoraAdapter.initialize(m.model(), LoraConfig.of(2, 4, 0, List.of("q_proj"), false), 1));
            new SftTrainer(m.model(), SftConfig.demo().toBuilder().basePrecision(SftConfig.BasePrecision.FP16).build());
            Map<String, NDArray> p = m.model().parameters();
            for (String module : m.model().linears().modules()) {
                assertEquals(DataType.FLOAT16, p.get(module + ".weight").getDataType(), module);
            }
            assertEquals(DataType.FLOAT32, p.get("model.embed_tokens.weight").getDataType());
            assertEquals(DataType.FLOAT32, p.get("model.norm.weight").getDataType());
            m.model().linears().adapter().parameters().values()
                    .forEach(a -> assertEquals(DataType.FLOAT32, a.getDataType(), "the adapter trains in float32"));
        }
    }

    @Test
    void fullFineTuningRefusesAHalfBase() throws Exception {
        Path fixture = Shared.path("fixtures/llama/lora/tiny-llama");
        Path data = LoraFixtures.trainingData(fixture, tmp.resolve("data.jsonl"));
        CliRun r = CliRun.of("train", "--model", Shared.path("fixtures/llama/tiny-llama").toString(), "--data",
                data.toString(), "--output", tmp.resolve("out").toString(), "--max-steps", "1", "--base-precision", "fp16");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--base-precision fp16 needs a LoRA adapter"), r.err());
    }
}
