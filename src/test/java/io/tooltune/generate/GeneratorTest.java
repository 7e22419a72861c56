package io.tooltune.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.CausalLM;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    private record Reference(long[] prompt, long[] expected) {}

    private static Reference reference(Path dir) throws IOException {
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        long[] prompt = Json.MAPPER.convertValue(ref.get("prompt_ids"), long[].class);
        long[] all = Json.MAPPER.convertValue(ref.get("greedy_ids"), long[].class);
        assertEquals(prompt.length + ref.get("new_tokens").asInt(), all.length);
        return new Reference(prompt, Arrays.copyOfRange(all, prompt.length, all.length));
    }

    private static GenerationConfig greedyNoEos(int n) {
        return GenerationConfig.greedy(n).withStopAtEos(false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-opt-prenorm", "tiny-opt-postnorm"})
    void greedyMatchesReferenceWithAndWithoutCache(String fixture) throws IOException {
        Path dir = Shared.path("fixtures/opt/" + fixture);
        Reference ref = reference(dir);
        GenerationConfig cfg = greedyNoEos(ref.expected().length);
        try (LoadedModel m = ModelFolder.load(dir)) {
            for (boolean cached : new boolean[] {true, false}) {
                Generator g = new Generator(m.model(), m.tokenizer(), cached);
                Generator.Output alone = g.generate(List.of(ref.prompt()), cfg).get(0);
                assertArrayEquals(ref.expected(), alone.ids(), "cache " + cached);
                assertTrue(alone.hitMaxTokens());
                assertEquals(m.tokenizer().decode(ref.expected(), true), alone.text());
                long[] other = {2, 100, 200};
                List<Generator.Output> batch = g.generate(List.of(other, ref.prompt(), other), cfg);
                assertArrayEquals(ref.expected(), batch.get(1).ids(), "left-padded batch, cache " + cached);
                assertArrayEquals(batch.get(0).ids(), batch.get(2).ids());
                assertArrayEquals(g.generate(List.of(other), cfg).get(0).ids(), batch.get(0).ids());
                List<Generator.Output> abandoned = g.generate(List.of(ref.prompt(), ref.prompt()), cfg, i -> i == 0);
                assertEquals(0, abandoned.get(0).ids().length);
                assertArrayEquals(ref.expected(), abandoned.get(1).ids());
            }
        }
    }

    @Test
    void stopsAtEosAndStopStringsPerSequence() throws IOException {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Reference ref = reference(dir);
        OptConfig base = OptConfig.read(dir.resolve("config.json"));
        long eos = ref.expected()[3];
        OptConfig withEos = base.toBuilder().eosTokenId((int) eos).build();
        int firstEos = 0;
        while (ref.expected()[firstEos] != eos) firstEos++;
        try (CausalLM model = ModelFolder.loadModel(dir, withEos); var tok = Tokenizer.load(dir)) {
            Generator g = new Generator(model, tok);
            long[] other = {2, 100, 200};
            List<Generator.Output> out = g.generate(List.of(ref.prompt(), other), GenerationConfig.greedy(24));
            assertArrayEquals(Arrays.copyOf(ref.expected(), firstEos + 1), out.get(0).ids());
            assertFalse(out.get(0).hitMaxTokens());
            assertArrayEquals(g.generate(List.of(other), GenerationConfig.greedy(24)).get(0).ids(), out.get(1).ids());

            String full = tok.decode(ref.expected(), true);
            String stop = tok.decode(Arrays.copyOfRange(ref.expected(), 5, 7), true);
            GenerationConfig withStop = greedyNoEos(24).withStopStrings(List.of(stop));
            Generator.Output cut = g.generate(List.of(ref.prompt()), withStop).get(0);
            assertEquals(full.substring(0, full.indexOf(stop)), cut.text());
            assertTrue(cut.ids().length < 24);
            assertFalse(cut.hitMaxTokens());
        }
    }

    @Test
    void seededSamplingIsReproducibleAndFiltersReduceToGreedy() throws IOException {
        Path dir = Shared.path("fixtures/opt/tiny-opt-postnorm");
        Reference ref = reference(dir);
        try (LoadedModel m = ModelFolder.load(dir)) {
            Generator g = new Generator(m.model(), m.tokenizer());
            GenerationConfig s1 = GenerationConfig.sampling(24, 1.0).withSeed(7L).withStopAtEos(false);
            long[] a = g.generate(List.of(ref.prompt()), s1).get(0).ids();
            assertArrayEquals(a, g.generate(List.of(ref.prompt()), s1).get(0).ids());
            assertArrayEquals(a, g.generate(List.of(new long[] {2, 5}, ref.prompt()), s1).get(1).ids(), "batch-independent");
            assertNotEquals(Arrays.toString(a), Arrays.toString(g.generate(List.of(ref.prompt()),
                    s1.withSeed(8L)).get(0).ids()));
            assertArrayEquals(ref.expected(), g.generate(List.of(ref.prompt()),
                    s1.withTemperature(2.0).withTopK(1).withSeed(3L)).get(0).ids(), "top-k 1");
            assertArrayEquals(ref.expected(), g.generate(List.of(ref.prompt()),
                    s1.withTemperature(0.7).withTopP(1e-9).withSeed(3L)).get(0).ids(), "tiny top-p");
        }
    }

    @Test
    void positionLimit() {
        OptConfig c = OptConfig.builder().vocabSize(64).hiddenSize(16).ffnDim(32).numLayers(1).numHeads(2)
                .maxPositionEmbeddings(8).dropout(0.0).build();
        try (OptModel model = OptModel.random(c, 1);
             var tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"))) {
            Generator g = new Generator(model, tok);
            BadInputException e = assertThrows(BadInputException.class,
                    () -> g.generate(List.of(new long[] {2, 3, 4, 5, 6, 7, 8, 9, 10}), GenerationConfig.greedy(4)));
            assertTrue(e.getMessage().contains("9 tokens, more than max_position_embeddings 8"), e.getMessage());
            List<Generator.Output> out = g.generate(List.of(new long[] {2, 3, 4, 5, 6, 7}, new long[] {2}),
                    greedyNoEos(10));
            assertEquals(2, out.get(0).ids().length);
            assertTrue(out.get(0).hitMaxTokens());
            assertEquals(7, out.get(1).ids().length);
        }
    }

    @Test
    void sharedPrefixCachingGivesTheSameTokensAsFullComputation() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"))) {
            String system = "You are a helpful assistant with tools. Answer briefly and call a function when needed. User: ";
            long[] a = m.tokenizer().encode(system + "what is the weather in Paris today?");
            long[] b = m.tokenizer().encode(system + "book me a table");
            long[] c = m.tokenizer().encode("Something else entirely, with no shared system prompt at all here.");
            int common = 0;
            while (a[common] == b[common]) common++;
            assertTrue(common >= PrefixCache.MIN_PREFIX, "the prompts must share enough tokens to be cached: " + common);
            GenerationConfig cfg = greedyNoEos(16);
            Generator reference = new Generator(m.model(), m.tokenizer(), true, false);
            Generator cached = new Generator(m.model(), m.tokenizer());
            List<Generator.Output> want = reference.generate(List.of(a, b), cfg);
            List<Generator.Output> got = cached.generate(List.of(a, b), cfg);
            assertArrayEquals(want.get(0).ids(), got.get(0).ids());
            assertArrayEquals(want.get(1).ids(), got.get(1).ids());
            // a later batch reuses the cached prefix; a batch with another prefix replaces it
            assertArrayEquals(reference.generate(List.of(b), cfg).get(0).ids(), cached.generate(List.of(b), cfg).get(0).ids());
            assertArrayEquals(reference.generate(List.of(c), cfg).get(0).ids(), cached.generate(List.of(c), cfg).get(0).ids());
            assertArrayEquals(want.get(0).ids(), cached.generate(List.of(a), cfg).get(0).ids());
        }
    }
}
