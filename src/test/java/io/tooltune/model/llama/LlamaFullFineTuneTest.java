package io.tooltune.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.model.io.Safetensors;
import io.tooltune.model.lora.LoraFixtures;
import io.tooltune.train.AdamW;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tooltune train} on tiny-llama with the settings of fixtures/llama/lora/tiny-llama/full_ft reproduces its
 * trajectory (loss 1e-5 absolute, grad_norm 1e-3 relative, learning rate exactly, label tokens) and the trained
 * weights (1e-4 absolute), with and without gradient checkpointing; the decay groups are the Trainer's.
 */
class LlamaFullFineTuneTest {
    private static final String MODEL = "fixtures/llama/tiny-llama";
    private static final String FIXTURE = "fixtures/llama/lora/tiny-llama";

    @TempDir
    Path tmp;

    /** {@code tooltune train} with the reference run's settings at {@code precision}, into tmp/out. */
    private Path train(String precision, String checkpointing) throws Exception {
        Path data = LoraFixtures.trainingData(Shared.path(FIXTURE), tmp.resolve("data.jsonl"));
        Path out = tmp.resolve("out");
        String[] args = LoraFixtures.trainArgs(Shared.path(MODEL), data, out, expected().get("config"), checkpointing);
        args[Arrays.asList(args).indexOf("fp32")] = precision;
        assertEquals(0, Main.run(args));
        return out;
    }

    private static JsonNode expected() throws Exception {
        return Json.MAPPER.readTree(Shared.path(FIXTURE).resolve("full_ft/expected_training.json").toFile());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--no-gradient-checkpointing", "--gradient-checkpointing"})
    void reproducesTheReferenceRun(String checkpointing) throws Exception {
        JsonNode expected = expected();
        for (JsonNode n : expected.get("decay_parameters")) assertTrue(AdamW.decays(n.asText()), n.asText());
        for (JsonNode n : expected.get("no_decay_parameters")) assertTrue(!AdamW.decays(n.asText()), n.asText());
        Path fixture = Shared.path(FIXTURE);
        Path out = train("fp32", checkpointing);

        List<JsonNode> log = LoraFixtures.log(out);
        JsonNode ref = expected.get("log");
        assertEquals(ref.size(), log.size());
        for (int s = 0; s < ref.size(); s++) {
            JsonNode r = ref.get(s);
            JsonNode g = log.get(s);
            String step = "step " + (s + 1);
            assertEquals(r.get("label_tokens").asLong(), g.get("label_tokens").asLong(), step);
            assertEquals(r.get("loss").asDouble(), g.get("loss").asDouble(), 1e-5, step + " loss");
            double norm = r.get("grad_norm").asDouble();
            assertEquals(norm, g.get("grad_norm").asDouble(), 1e-3 * norm, step + " grad_norm");
            assertEquals(r.get("learning_rate").asDouble(), g.get("learning_rate").asDouble(), 1e-12, step + " learning_rate");
        }

        Map<String, Safetensors.Tensor> after = Safetensors.read(out.resolve("model.safetensors"));
        Map<String, Safetensors.Tensor> want = Safetensors.read(fixture.resolve("full_ft/expected_after_training.safetensors"));
        for (Map.Entry<String, Safetensors.Tensor> e : after.entrySet()) {
            String key = e.getKey();
            Safetensors.Tensor whole = want.get(key);
            float[] got = whole != null ? e.getValue().data() : rows(e.getValue(), want.get(key + ".rows").data());
            float[] exp = whole != null ? whole.data() : want.get(key + ".at_rows").data();
            assertEquals(exp.length, got.length, key);
            double worst = 0;
            for (int j = 0; j < exp.length; j++) worst = Math.max(worst, Math.abs(exp[j] - got[j]));
            assertTrue(worst <= 1e-4, key + " differs by " + worst);
        }
        assertEquals(want.size(), after.size() + 2, "embedding and head compared at their listed rows");
    }

    /**
     * fp16 (a float16 working copy under dynamic loss scaling, float32 masters) follows the float32 reference
     * trajectory to half precision, and every parameter of every layer moves: the float32 round trips of RMSNorm
     * and softmax inside the half forward must pass the gradient on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--no-gradient-checkpointing", "--gradient-checkpointing"})
    void trainsInFloat16CloseToTheFloat32Reference(String checkpointing) throws Exception {
        Path model = Shared.path(MODEL);
        JsonNode expected = expected();
        Path out = train("fp16", checkpointing);

        LoraFixtures.assertTrajectory(expected.get("log"), LoraFixtures.log(out), 5e-3, 2e-2, "fp16");
        Map<String, Safetensors.Tensor> before = Safetensors.read(model.resolve("model.safetensors"));
        Map<String, Safetensors.Tensor> after = Safetensors.read(out.resolve("model.safetensors"));
        for (Map.Entry<String, Safetensors.Tensor> e : after.entrySet()) {
            float[] a = e.getValue().data();
            float[] b = before.get(e.getKey()).data();
            double moved = 0;
            for (int j = 0; j < a.length; j++) moved = Math.max(moved, Math.abs(a[j] - b[j]));
            assertTrue(moved > 1e-5, e.getKey() + " did not move in fp16 training");
        }
    }

    /** The rows {@code indices} of a matrix, flattened. */
    private static float[] rows(Safetensors.Tensor matrix, float[] indices) {
        int width = (int) matrix.shape()[1];
        float[] out = new float[indices.length * width];
        for (int r = 0; r < indices.length; r++) System.arraycopy(matrix.data(), (int) indices[r] * width, out, r * width, width);
        return out;
    }
}
