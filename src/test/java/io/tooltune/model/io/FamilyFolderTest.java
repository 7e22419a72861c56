package io.tooltune.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.model.ModelFamilies;
import io.tooltune.model.opt.OptFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.tooltune.model.io.FixtureFolders.copy;
import static io.tooltune.model.io.FixtureFolders.editConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folders of the Llama-like families: save then reload, and config errors that name the field. */
class FamilyFolderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-linear", "tiny-qwen3"})
    void saveThenLoadGivesTheSameModel(String fixture) throws IOException {
        Path src = Shared.path("fixtures/llama/" + fixture);
        Path out = tmp.resolve("saved");
        float[] before;
        Object config;
        try (LoadedModel m = ModelFolder.load(src)) {
            before = ModelFolderTest.logits(m.model());
            config = m.model().config();
            ModelFolder.save(m.model(), m.tokenizer(), out);
        }
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json", "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(Files.readString(src.resolve("tokenizer_config.json")), Files.readString(out.resolve("tokenizer_config.json")),
                "special tokens and chat template kept");
        JsonNode srcConfig = Json.MAPPER.readTree(src.resolve("config.json").toFile());
        JsonNode saved = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals(srcConfig.get("model_type"), saved.get("model_type"));
        assertEquals(srcConfig.get("architectures"), saved.get("architectures"));
        JsonNode generation = Json.MAPPER.readTree(out.resolve("generation_config.json").toFile());
        assertEquals(Json.MAPPER.readTree(src.resolve("generation_config.json").toFile()).get("eos_token_id"), generation.get("eos_token_id"));
        var tensors = Safetensors.read(out.resolve("model.safetensors"));
        assertEquals(srcConfig.get("tie_word_embeddings").asBoolean(), !tensors.containsKey("lm_head.weight"));
        assertTrue(tensors.keySet().stream().allMatch(k -> k.startsWith("model.") || k.equals("lm_head.weight")), tensors.keySet().toString());
        try (LoadedModel m = ModelFolder.load(out)) {
            assertEquals(config, m.model().config());
            assertArrayEquals(before, ModelFolderTest.logits(m.model()));
            OptFixtures.assertLogitsMatch(m.model(), src, "left_padded");
            String text = "<|im_start|>user\nWeather in Zürich?<|im_end|>";
            try (var t = io.tooltune.tokenizer.Tokenizer.load(src)) {
                assertArrayEquals(t.encode(text), m.tokenizer().encode(text));
            }
        }
    }

    @Test
    void configErrorsNameTheField() throws IOException {
        Path dir = copy("tiny-qwen2", tmp.resolve("bad"));
        String good = Files.readString(dir.resolve("config.json"));
        editConfig(dir, c -> c.put("model_type", "gpt_neox"));
        assertBad(dir, "config.json: model_type 'gpt_neox' is not supported (supported: opt, llama, qwen2, qwen3, mistral)");
        editConfig(dir, c -> c.remove("model_type"));
        assertBad(dir, "config.json: missing field model_type");
        restore(dir, good);
        editConfig(dir, c -> c.remove("hidden_size"));
        assertBad(dir, "config.json: missing field hidden_size");
        restore(dir, good);
        editConfig(dir, c -> c.put("num_key_value_heads", "two"));
        assertBad(dir, "config.json: num_key_value_heads is not an integer: \"two\"");
        restore(dir, good);
        editConfig(dir, c -> c.put("rope_theta", true));
        assertBad(dir, "config.json: rope_theta is not a number: true");
        restore(dir, good);
        editConfig(dir, c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 2.0));
        assertBad(dir, "config.json: rope_scaling: rope type 'yarn' is not supported (default, linear, llama3)");
        editConfig(dir, c -> c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0));
        assertBad(dir, "config.json: rope_scaling: missing field low_freq_factor");
        restore(dir, good);
        editConfig(dir, c -> c.put("num_key_value_heads", 3));
        assertBad(dir, "config.json: num_attention_heads 4 is not a multiple of num_key_value_heads 3");
        restore(dir, good);
        editConfig(dir, c -> c.put("hidden_act", "gelu"));
        assertBad(dir, "config.json: hidden_act 'gelu' is not supported (silu)");
        restore(dir, good);
        editConfig(dir, c -> c.put("intermediate_size", 128));
        assertBad(dir, "model.safetensors.index.json: tensor model.layers.0.mlp.gate_proj.weight has shape [160, 64] but config.json implies [128, 64]");
        restore(dir, good);
        editConfig(dir, c -> c.put("num_hidden_layers", 3));
        assertBad(dir, "model.safetensors.index.json: missing tensor model.layers.2.self_attn.q_proj.weight");
    }

    @Test
    void cliExitsWithTwoNamingTheProblem() throws IOException {
        Path dir = copy("tiny-llama", tmp.resolve("cli"));
        editConfig(dir, c -> c.put("model_type", "falcon"));
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.run("generate", "--model", dir.toString(), "--prompt", "hi");
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        String message = e.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("model_type 'falcon' is not supported") && message.contains("llama, qwen2, qwen3, mistral"), message);
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void everyFamilyIsRegistered() {
        assertEquals(List.of("opt", "llama", "qwen2", "qwen3", "mistral"), ModelFamilies.supported());
    }

    private static void restore(Path dir, String config) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
    }

    private static void assertBad(Path dir, String message) {
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFolder.load(dir).close());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "names the file: " + e.getMessage());
    }
}
