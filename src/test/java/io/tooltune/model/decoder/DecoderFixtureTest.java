package io.tooltune.model.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.io.Safetensors;
import io.tooltune.model.opt.OptFixtures;
import io.tooltune.model.io.FixtureFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Llama-family fixtures (../shared/fixtures/llama): logits of right- and left-padded batches (GQA, MQA, rope
 * default/linear/llama3, Qwen2 biases and shards, Qwen3 q/k norms, fp16/bf16 checkpoints widened to float32),
 * positions, prompt tokenization and greedy generation through the Generator with and without the KV cache.
 */
class DecoderFixtureTest {
    static Path fixture(String name) {
        return Shared.path("fixtures/llama/" + name);
    }

    @ParameterizedTest
    @CsvSource({"tiny-llama,right_padded", "tiny-llama,left_padded", "tiny-llama3,right_padded", "tiny-llama3,left_padded",
            "tiny-llama-linear,right_padded", "tiny-llama-linear,left_padded", "tiny-qwen2,right_padded",
            "tiny-qwen2,left_padded", "tiny-qwen3,right_padded", "tiny-qwen3,left_padded"})
    void logitsMatchReference(String name, String batch) {
        Path dir = fixture(name);
        try (LoadedModel m = ModelFolder.load(dir)) {
            assertTrue(OptFixtures.assertLogitsMatch(m.model(), dir, batch) > 20);
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-llama,right_padded", "tiny-qwen2,left_padded", "tiny-llama3,left_padded"})
    void positionsAreThoseOfGenerate(String name, String batch) {
        Map<String, Safetensors.Tensor> ref = Safetensors.read(fixture(name).resolve("expected_logits.safetensors"));
        long[] mask = OptFixtures.toLongs(ref.get(batch + ".attention_mask").data());
        long[] want = OptFixtures.toLongs(ref.get(batch + ".position_ids").data());
        long[] shape = ref.get(batch + ".input_ids").shape();
        CausalMask m = CausalMask.of(mask, (int) shape[0], 0, (int) shape[1], 0, -1f);
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 1) assertEquals(want[i], m.positions()[i], "position " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-llama3", "tiny-llama-linear", "tiny-qwen2", "tiny-qwen3"})
    void greedyGenerationMatchesReference(String name) throws IOException {
        Path dir = fixture(name);
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        List<long[]> prompts = rows(ref.get("prompt_ids"));
        List<long[]> expected = rows(ref.get("generated_ids"));
        int newTokens = ref.get("new_tokens").asInt();
        try (LoadedModel m = ModelFolder.load(dir)) {
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(prompts.get(i), m.tokenizer().encode(ref.get("prompts").get(i).asText()), "prompt " + i + " ids");
            }
            for (boolean cache : new boolean[] {true, false}) {
                List<Generator.Output> out = new Generator(m.model(), m.tokenizer(), cache)
                        .generate(prompts, GenerationConfig.greedy(newTokens));
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(expected.get(i), out.get(i).ids(), name + " row " + i + (cache ? " (KV cache)" : " (no cache)"));
                }
            }
        }
    }

    @Test
    void stopsOnAnyIdOfAnEosList(@TempDir Path tmp) throws IOException {
        Path dir = FixtureFolders.copy("tiny-llama3", tmp.resolve("eos"));
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        List<long[]> prompts = rows(ref.get("prompt_ids"));
        long[] first = rows(ref.get("generated_ids")).get(0);
        FixtureFolders.editJson(dir, "generation_config.json", g -> g.putArray("eos_token_id").add(50259).add(first[4]));
        try (LoadedModel m = ModelFolder.load(dir)) {
            assertEquals(List.of(50259, (int) first[4]), m.model().config().eosTokenIds());
            Generator.Output out = new Generator(m.model(), m.tokenizer()).generate(prompts, GenerationConfig.greedy(16)).get(0);
            assertArrayEquals(Arrays.copyOf(first, 5), out.ids());
            assertFalse(out.hitMaxTokens());
        }
    }

    @Test
    void sharedPromptPrefixCacheGivesTheUncachedTokens() {
        String system = "<|im_start|>system\nYou are a helpful assistant that calls tools to answer questions.<|im_end|>\n<|im_start|>user\n";
        try (LoadedModel m = ModelFolder.load(fixture("tiny-qwen2"))) {
            List<long[]> prompts = new ArrayList<>();
            for (String q : List.of("Weather in Paris?", "Flights from Boston to Denver tomorrow morning", "Hi")) {
                prompts.add(m.tokenizer().encode(system + q + "<|im_end|>\n<|im_start|>assistant\n"));
            }
            int shared = 0;
            while (prompts.get(0)[shared] == prompts.get(1)[shared] && prompts.get(0)[shared] == prompts.get(2)[shared]) shared++;
            assertTrue(shared > 16, "a prefix long enough for the generator to cache (" + shared + " tokens)");
            Generator cached = new Generator(m.model(), m.tokenizer());
            Generator uncached = new Generator(m.model(), m.tokenizer(), false);
            GenerationConfig greedy = GenerationConfig.greedy(6);
            List<Generator.Output> want = uncached.generate(prompts, greedy);
            for (List<long[]> batch : List.of(prompts, prompts.subList(1, 3), prompts)) {
                List<Generator.Output> got = cached.generate(batch, greedy);
                for (int i = 0; i < batch.size(); i++) {
                    assertArrayEquals(want.get(prompts.indexOf(batch.get(i))).ids(), got.get(i).ids(), "row " + i);
                }
            }
        }
    }

    static List<long[]> rows(JsonNode array) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode row : array) {
            long[] r = new long[row.size()];
            for (int i = 0; i < r.length; i++) r[i] = row.get(i).asLong();
            out.add(r);
        }
        return out;
    }
}
