package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.CausalLM;
import io.tooltune.model.opt.OptFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFolderTest {
    @TempDir
    Path tmp;

    /** A copy of a fixture folder's config and tokenizer files, without weights. */
    private Path skeleton(String fixture, String name) throws IOException {
        Path src = Shared.path("fixtures/opt/" + fixture);
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("config.json", "vocab.json", "merges.txt", "expected_logits.safetensors")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void postNormFromPytorchBinGivesReferenceLogits() throws IOException {
        Path dir = skeleton("tiny-opt-postnorm", "bin");
        Files.copy(Shared.path("fixtures/opt/tiny-opt-postnorm/pytorch_model.bin"), dir.resolve("pytorch_model.bin"));
        try (LoadedModel m = ModelFolder.load(dir)) {
            OptFixtures.assertLogitsMatch(m.model(), dir, "right_padded");
            OptFixtures.assertLogitsMatch(m.model(), dir, "left_padded");
        }
    }

    @Test
    void binAndSafetensorsHoldTheSameTensors() {
        Path dir = Shared.path("fixtures/opt/tiny-opt-postnorm");
        Map<String, Safetensors.Tensor> st = Safetensors.read(dir.resolve("model.safetensors"));
        Map<String, Safetensors.Tensor> bin = TorchZip.read(dir.resolve("pytorch_model.bin"));
        assertEquals(st.keySet(), bin.keySet());
        st.forEach((k, v) -> {
            assertArrayEquals(v.shape(), bin.get(k).shape(), k);
            assertArrayEquals(v.data(), bin.get(k).data(), k);
        });
    }

    @Test
    void shardedSafetensorsLoad() throws IOException {
        Path dir = skeleton("tiny-opt-prenorm", "sharded");
        Map<String, Safetensors.Tensor> all = Safetensors.read(Shared.path("fixtures/opt/tiny-opt-prenorm/model.safetensors"));
        Map<String, Safetensors.Tensor> a = new LinkedHashMap<>();
        Map<String, Safetensors.Tensor> b = new LinkedHashMap<>();
        ObjectNode map = Json.MAPPER.createObjectNode();
        all.forEach((k, v) -> {
            boolean first = k.contains("embed");
            (first ? a : b).put(k, v);
            map.put(k, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"), a);
        Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"), b);
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        index.set("weight_map", map);
        Json.MAPPER.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        try (LoadedModel m = ModelFolder.load(dir)) {
            OptFixtures.assertLogitsMatch(m.model(), dir, "left_padded");
        }
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertBad(dir, "model-00002-of-00002.safetensors is missing");
    }

    @Test
    void saveThenLoadGivesIdenticalLogits() throws IOException {
        Path src = Shared.path("fixtures/opt/tiny-opt-postnorm");
        Path out = tmp.resolve("saved");
        float[] before;
        try (LoadedModel m = ModelFolder.load(src)) {
            before = logits(m.model());
            ModelFolder.save(m.model(), m.tokenizer(), out);
        }
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "vocab.json", "merges.txt",
                "tokenizer_config.json", "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(Safetensors.read(out.resolve("model.safetensors")).keySet().stream().allMatch(k -> k.startsWith("model.decoder.")));
        try (LoadedModel m = ModelFolder.load(out)) {
            assertArrayEquals(before, logits(m.model()));
            String text = "Hello world, it's a test: {\"a\": 1}";
            try (var t = io.tooltune.tokenizer.Tokenizer.load(src)) {
                assertArrayEquals(t.encode(text), m.tokenizer().encode(text));
            }
        }
        Files.delete(out.resolve("tokenizer.json"));
        try (LoadedModel m = ModelFolder.load(out)) {
            assertArrayEquals(before, logits(m.model()), "from the written vocab.json + merges.txt");
        }
    }

    static float[] logits(CausalLM model) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray ids = m.create(new long[] {2, 100, 200, 300, 1, 1}, new Shape(2, 3));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 0, 0}, new Shape(2, 3));
            return model.forward(ids, mask, null, false).toFloatArray();
        }
    }

    @Test
    void badConfigs() throws IOException {
        Path dir = skeleton("tiny-opt-prenorm", "cfg");
        Files.copy(Shared.path("fixtures/opt/tiny-opt-prenorm/model.safetensors"), dir.resolve("model.safetensors"));
        Path cfg = dir.resolve("config.json");
        String good = Files.readString(cfg);
        Files.delete(cfg);
        assertBad(dir, "config.json: missing");
        Files.writeString(cfg, "{\"model_type\": \"opt\", ");
        assertBad(dir, "config.json: not valid JSON");
        Files.writeString(cfg, good.replace("\"model_type\": \"opt\"", "\"model_type\": \"gpt_neox\""));
        assertBad(dir, "config.json: model_type 'gpt_neox' is not supported (supported: opt, llama, qwen2, qwen3, mistral)");
        Files.writeString(cfg, good.replace("\"hidden_size\": 32", "\"hidden_size\": 30"));
        assertBad(dir, "config.json: hidden_size 30 is not a multiple of num_attention_heads 4");
        Files.writeString(cfg, good.replace("\"hidden_size\": 32", "\"hidden_size\": 64"));
        assertBad(dir, "model.safetensors: tensor model.decoder.embed_positions.weight has shape [130, 32] but config.json implies [130, 64]");
        Files.writeString(cfg, good.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        assertBad(dir, "model.safetensors: missing tensor model.decoder.layers.2.self_attn.k_proj.weight");
    }

    @Test
    void corruptWeights() throws IOException {
        Path dir = skeleton("tiny-opt-postnorm", "corrupt");
        byte[] st = Files.readAllBytes(Shared.path("fixtures/opt/tiny-opt-postnorm/model.safetensors"));
        Path file = dir.resolve("model.safetensors");
        Files.write(file, java.util.Arrays.copyOf(st, st.length - 100));
        assertBad(dir, "model.safetensors: truncated");
        Files.write(file, java.util.Arrays.copyOf(st, 5));
        assertBad(dir, "model.safetensors: truncated");
        byte[] garbage = st.clone();
        garbage[8] = '#';
        Files.write(file, garbage);
        assertBad(dir, "model.safetensors: header is not valid JSON");
        Files.delete(file);
        byte[] bin = Files.readAllBytes(Shared.path("fixtures/opt/tiny-opt-postnorm/pytorch_model.bin"));
        Path binFile = dir.resolve("pytorch_model.bin");
        Files.write(binFile, java.util.Arrays.copyOf(bin, bin.length / 2));
        assertBad(dir, "pytorch_model.bin: corrupt torch.save file");
        Files.write(binFile, "not a zip at all".getBytes());
        assertBad(dir, "pytorch_model.bin: corrupt torch.save file");
        Files.delete(binFile);
        assertBad(dir, "no model.safetensors, model.safetensors.index.json or pytorch_model.bin");
    }

    @Test
    void halfAndBfloat16AreWidened() throws IOException {
        float[] values = {1.5f, -2.25f, 0.1f, 65504f};
        Path file = tmp.resolve("mixed.safetensors");
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[8,16]}}";
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + header.length() + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes());
        for (float v : values) buf.putShort(Float.floatToFloat16(v));
        for (float v : values) buf.putShort((short) (Float.floatToIntBits(v) >>> 16));
        Files.write(file, buf.array());
        Map<String, Safetensors.Tensor> t = Safetensors.read(file);
        for (int i = 0; i < 4; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), t.get("h").data()[i]);
            assertEquals(Float.intBitsToFloat(Float.floatToIntBits(values[i]) & 0xffff0000), t.get("b").data()[i]);
        }
        assertArrayEquals(new long[] {2, 2}, t.get("b").shape());
    }

    private static void assertBad(Path dir, String message) {
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFolder.load(dir).close());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "names the file: " + e.getMessage());
    }
}
