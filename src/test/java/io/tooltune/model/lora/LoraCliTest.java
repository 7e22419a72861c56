package io.tooltune.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.CliRun;
import io.tooltune.model.io.AdapterFolder;
import io.tooltune.model.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA through the CLI: fresh adapters, checkpoints and --resume, bad input, fp16, the gradient guard, generate --adapter. */
class LoraCliTest {
    @TempDir
    Path tmp;

    private static Path llama() {
        return Shared.path("fixtures/llama/tiny-llama");
    }

    private Path data() throws Exception {
        return LoraFixtures.trainingData(Shared.path("fixtures/llama/lora/tiny-llama"), tmp.resolve("data.jsonl"));
    }

    private CliRun train(Path out, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("train", "--model", llama().toString(), "--data", data().toString(),
                "--output", out.toString(), "--learning-rate", "5e-3", "--warmup-steps", "1", "--batch-size", "2",
                "--gradient-accumulation-steps", "1", "--no-shuffle", "--logging-steps", "1"));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static List<JsonNode> log(Path out) throws Exception {
        return LoraFixtures.log(out);
    }

    @Test
    void freshAllLinearAdapterCheckpointsAndResumesAsAnUninterruptedRun() throws Exception {
        String[] lora = {"--lora-r", "2", "--lora-alpha", "4", "--lora-dropout", "0.1", "--lora-target-modules", "all-linear",
                "--max-steps", "4", "--precision", "fp32"};
        Path whole = tmp.resolve("whole");
        CliRun a = train(whole, concat(lora, "--save-steps", "0"));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("adapter in"), a.out());
        assertFalse(Files.exists(whole.resolve("model.safetensors")), "LoRA writes the adapter only");
        Map<String, Safetensors.Tensor> adapter = Safetensors.read(whole.resolve(AdapterFolder.WEIGHTS));
        // two layers × seven Linear modules × (A, B), PEFT's key names
        assertEquals(28, adapter.size());
        assertTrue(adapter.containsKey("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"), adapter.keySet().toString());
        JsonNode config = Json.MAPPER.readTree(whole.resolve(AdapterFolder.CONFIG).toFile());
        assertEquals(7, config.get("target_modules").size());
        assertEquals(2, config.get("r").asInt());

        Path split = tmp.resolve("split");
        assertEquals(0, train(split, concat(lora, "--save-steps", "2")).code());
        Path cp = split.resolve("checkpoint-2");
        assertTrue(Files.isRegularFile(cp.resolve(AdapterFolder.WEIGHTS)) && Files.isRegularFile(cp.resolve("optimizer.safetensors")));
        // as if the run had died after its step-2 checkpoint
        try (var s = Files.walk(split.resolve("checkpoint-4"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        List<String> firstTwo = Files.readAllLines(split.resolve("training_log.jsonl")).subList(0, 2);
        Files.write(split.resolve("training_log.jsonl"), firstTwo);
        CliRun resumed = train(split, concat(lora, "--save-steps", "2", "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        List<JsonNode> want = log(whole);
        List<JsonNode> got = log(split);
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).get("loss").asDouble(), got.get(i).get("loss").asDouble(), 1e-6, "step " + (i + 1));
        }
        Map<String, Safetensors.Tensor> after = Safetensors.read(split.resolve(AdapterFolder.WEIGHTS));
        adapter.forEach((k, t) -> assertArrayEquals(t.data(), after.get(k).data(), 1e-6f, k));
    }

    @Test
    void targetsMatchingNothingListTheLinearModules() throws Exception {
        CliRun r = train(tmp.resolve("out"), "--lora-r", "4", "--lora-target-modules", "query,value", "--max-steps", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("LoRA target modules query,value match none of the model's Linear modules: "
                + "model.layers.0.self_attn.q_proj, model.layers.0.self_attn.k_proj"), r.err());
    }

    @Test
    void anAdapterOfOtherShapesNamesTheFirstMismatchingWeight() throws Exception {
        Path fixture = Shared.path("fixtures/llama/lora/tiny-llama");
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.copy(fixture.resolve(AdapterFolder.CONFIG), bad.resolve(AdapterFolder.CONFIG));
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>(Safetensors.read(fixture.resolve(AdapterFolder.WEIGHTS)));
        String key = "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight";
        Safetensors.Tensor b = t.get(key);
        t.put(key, new Safetensors.Tensor(new long[] {b.shape()[0] * 2, b.shape()[1]}, new float[b.data().length * 2]));
        Safetensors.write(bad.resolve(AdapterFolder.WEIGHTS), t);
        CliRun r = train(tmp.resolve("out"), "--adapter", bad.toString(), "--max-steps", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(key + " has shape"), r.err());
        CliRun g = CliRun.of("generate", "--model", llama().toString(), "--adapter", bad.toString(), "--prompt", "hi");
        assertEquals(2, g.code());
        assertTrue(g.err().contains(key + " has shape"), g.err());
    }

    /**
     * OPT: the Llama family's float16 path casts around RMSNorm and softmax, and DJL's casts do not carry gradients,
     * so half-precision training of those models does not reach the decoder layers (full fine-tuning included).
     */
    @Test
    void fp16TrainsAHalfCopyOfTheAdapterOverTheHalfBase() throws Exception {
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Path fixture = Shared.path("fixtures/llama/lora/tiny-opt-prenorm");
        Path data = LoraFixtures.trainingData(fixture, tmp.resolve("opt.jsonl"));
        List<List<JsonNode>> logs = new ArrayList<>();
        for (String precision : List.of("fp32", "fp16")) {
            Path out = tmp.resolve(precision);
            CliRun r = CliRun.of("train", "--model", model.toString(), "--data", data.toString(), "--output", out.toString(),
                    "--adapter", fixture.toString(), "--learning-rate", "5e-3", "--warmup-steps", "0", "--batch-size", "4",
                    "--gradient-accumulation-steps", "1", "--no-shuffle", "--max-steps", "3", "--save-steps", "0",
                    "--precision", precision);
            assertEquals(0, r.code(), r.err());
            logs.add(log(out));
        }
        // fp16 skips steps while the loss scale comes down from 65536; the first loss agrees to half precision
        assertEquals(logs.get(0).get(0).get("loss").asDouble(), logs.get(1).get(0).get("loss").asDouble(), 1e-2);
        long applied = logs.get(1).stream().filter(s -> s.path("skipped").isNull() || s.path("skipped").isMissingNode()).count();
        assertTrue(applied > 0, "every fp16 step was skipped: " + logs.get(1));
    }

    @Test
    void aNonFiniteGradientNormSkipsTheStepInFp32() throws Exception {
        // B starts at 0, so the forward pass and loss are finite, but alpha 1e38 makes B's gradient overflow
        Path out = tmp.resolve("out");
        CliRun r = train(out, "--lora-r", "1", "--lora-alpha", "1e38", "--lora-dropout", "0", "--max-steps", "2",
                "--precision", "fp32", "--save-steps", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("step 1 skipped: gradient norm is "), r.err());
        List<JsonNode> log = log(out);
        assertEquals(2, log.size());
        for (JsonNode s : log) {
            assertTrue(Double.isFinite(s.get("loss").asDouble()));
            assertTrue(s.get("skipped").asText().startsWith("gradient norm is "), s.toString());
        }
        // nothing was applied: B is still zero
        Safetensors.read(out.resolve(AdapterFolder.WEIGHTS)).forEach((k, t) -> {
            if (k.endsWith("lora_B.weight")) for (float v : t.data()) assertEquals(0f, v, k);
        });
    }

    @Test
    void generateWithAnAdapterEqualsGenerateWithTheMergedModel() throws Exception {
        Path adapter = Shared.path("fixtures/llama/lora/tiny-llama/expected_adapter");
        Path merged = tmp.resolve("merged");
        assertEquals(0, CliRun.of("merge", "--model", llama().toString(), "--adapter", adapter.toString(),
                "--output", merged.toString()).code());
        CliRun unmerged = CliRun.of("generate", "--model", llama().toString(), "--adapter", adapter.toString(),
                "--prompt", "What's the weather in Paris?", "--max-new-tokens", "12", "--no-eos-stop", "--json");
        CliRun folded = CliRun.of("generate", "--model", merged.toString(), "--prompt", "What's the weather in Paris?",
                "--max-new-tokens", "12", "--no-eos-stop", "--json");
        CliRun base = CliRun.of("generate", "--model", llama().toString(), "--prompt", "What's the weather in Paris?",
                "--max-new-tokens", "12", "--no-eos-stop", "--json");
        assertEquals(0, unmerged.code(), unmerged.err());
        assertEquals(folded.out(), unmerged.out());
        assertEquals(0, base.code(), base.err());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
