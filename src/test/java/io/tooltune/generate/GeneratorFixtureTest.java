package io.tooltune.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Greedy decoding reproduces the reference's ids, alone and left-padded in a batch with a shorter prompt. */
class GeneratorFixtureTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-opt-prenorm", "tiny-opt-postnorm"})
    void greedyMatchesReference(String fixture) throws Exception {
        Path dir = Shared.path("fixtures/opt/" + fixture);
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        long[] prompt = Json.MAPPER.convertValue(ref.get("prompt_ids"), long[].class);
        long[] all = Json.MAPPER.convertValue(ref.get("greedy_ids"), long[].class);
        long[] expected = Arrays.copyOfRange(all, prompt.length, all.length);
        GenerationConfig cfg = new GenerationConfig(ref.get("new_tokens").asInt(), 0, 1, 0, null, List.of(), false);
        try (ModelFolder.LoadedModel m = ModelFolder.load(dir)) {
            Generator g = new Generator(m.model(), m.tokenizer());
            assertArrayEquals(expected, g.generate(List.of(prompt), cfg).get(0).ids());
            List<Generator.Output> batch = g.generate(List.of(Arrays.copyOf(prompt, 3), prompt), cfg);
            assertArrayEquals(expected, batch.get(1).ids());
            List<Generator.Output> abandoned = g.generate(List.of(prompt, prompt), cfg, i -> i == 0);
            assertEquals(0, abandoned.get(0).ids().length);
            assertArrayEquals(expected, abandoned.get(1).ids());
        }
    }

    @Test
    void sharedPrefixCachingMatchesFullComputation() {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        try (ModelFolder.LoadedModel m = ModelFolder.load(dir)) {
            long[] a = m.tokenizer().encode("You are a helpful assistant with tools. Answer briefly and call a function when needed. User: what is the weather in Paris today?");
            long[] b = m.tokenizer().encode("You are a helpful assistant with tools. Answer briefly and call a function when needed. User: book me a table");
            GenerationConfig cfg = new GenerationConfig(16, 0, 1, 0, null, List.of(), false);
            Generator reference = new Generator(m.model(), m.tokenizer(), false);
            Generator cached = new Generator(m.model(), m.tokenizer());
            List<Generator.Output> want = reference.generate(List.of(a, b), cfg);
            List<Generator.Output> got = cached.generate(List.of(a, b), cfg);
            List<Generator.Output> again = cached.generate(List.of(b), cfg);
            assertArrayEquals(want.get(0).ids(), got.get(0).ids());
            assertArrayEquals(want.get(1).ids(), got.get(1).ids());
            assertArrayEquals(want.get(1).ids(), again.get(0).ids());
            assertArrayEquals(reference.generate(List.of(b), cfg).get(0).ids(), again.get(0).ids());
        }
    }
}
