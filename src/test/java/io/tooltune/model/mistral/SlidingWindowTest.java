package io.tooltune.model.mistral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.Shared;
import io.tooltune.generate.ContinuousDecoder;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.CausalLM;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.opt.OptFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.tooltune.model.io.FixtureFolders.copy;
import static io.tooltune.model.io.FixtureFolders.editConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mistral's sliding window, on tiny-llama's weights (Mistral is Llama without biases, plus the window): no window
 * gives Llama's logits; a window of w hides keys w or more places back, so with two layers the last position
 * depends only on the last 2w - 1 tokens. Qwen2 with use_sliding_window refuses only longer sequences.
 */
class SlidingWindowTest {
    @TempDir
    Path tmp;

    @Test
    void withoutWindowMistralIsLlama() throws IOException {
        Path dir = copy("tiny-llama", tmp.resolve("m"));
        editConfig(dir, c -> c.put("model_type", "mistral").putNull("sliding_window"));
        try (LoadedModel m = ModelFolder.load(dir)) {
            assertEquals("mistral", m.model().config().modelType());
            assertTrue(OptFixtures.assertLogitsMatch(m.model(), dir, "left_padded") > 20);
        }
    }

    @Test
    void windowHidesDistantKeys() throws IOException {
        int window = 4;
        Path dir = copy("tiny-llama", tmp.resolve("w"));
        editConfig(dir, c -> c.put("model_type", "mistral").put("sliding_window", window));
        long[] ids = {50264, 817, 2917, 25, 314, 761, 284, 869, 262, 6193, 7824, 13};
        int reach = 2 * (window - 1) + 1;
        long[] tail = Arrays.copyOfRange(ids, ids.length - reach, ids.length);
        try (LoadedModel m = ModelFolder.load(dir); LoadedModel llama = ModelFolder.load(Shared.path("fixtures/llama/tiny-llama"))) {
            float[] full = lastLogits(m.model(), ids);
            assertArrayClose(lastLogits(m.model(), tail), full);
            float[] unwindowed = lastLogits(llama.model(), ids);
            double diff = 0;
            for (int i = 0; i < full.length; i++) diff = Math.max(diff, Math.abs(full[i] - unwindowed[i]));
            assertTrue(diff > 1e-3, "the window changes the logits (" + diff + ")");

            List<long[]> prompts = List.of(ids, Arrays.copyOf(ids, 5));
            GenerationConfig greedy = GenerationConfig.greedy(8);
            List<Generator.Output> cached = new Generator(m.model(), m.tokenizer(), true).generate(prompts, greedy);
            List<Generator.Output> uncached = new Generator(m.model(), m.tokenizer(), false).generate(prompts, greedy);
            for (int i = 0; i < prompts.size(); i++) assertArrayEquals(uncached.get(i).ids(), cached.get(i).ids(), "row " + i);
        }
    }

    /**
     * In the continuous engine, prompts that share a cached prefix are prefilled together with pads between the prefix
     * and their tails, and rows join the shared timeline at different columns: the window counts a row's tokens, not
     * columns, so every sequence decodes what it decodes alone.
     */
    @Test
    void theWindowCountsTokensAcrossTheEnginesGaps() throws IOException {
        Path dir = copy("tiny-llama", tmp.resolve("c"));
        editConfig(dir, c -> c.put("model_type", "mistral").put("sliding_window", 6));
        try (LoadedModel m = ModelFolder.load(dir)) {
            long[] prefix = {50264, 817, 2917, 25, 314, 761, 284, 869, 262, 6193, 7824, 13, 314, 761, 284, 869, 262, 25};
            List<long[]> prompts = new ArrayList<>();
            prompts.add(concat(prefix, 2917, 13));
            for (long[] tail : new long[][] {{7824}, {6193, 7824, 13, 314, 761, 284}, {869, 262, 6193}}) prompts.add(concat(prefix, tail));
            GenerationConfig greedy = GenerationConfig.greedy(10).withStopAtEos(false);
            List<ContinuousDecoder.Slot> slots = new ArrayList<>();
            try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 4, 64)) {
                slots.add(d.admit(prompts.get(0), greedy, null, null));
                d.step();
                for (long[] p : prompts.subList(1, prompts.size())) slots.add(d.admit(p, greedy, null, null));
                while (slots.stream().anyMatch(s -> !s.done())) d.step();
            }
            Generator alone = new Generator(m.model(), m.tokenizer(), false);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(alone.generate(List.of(prompts.get(i)), greedy).get(0).ids(), slots.get(i).output().ids(), "prompt " + i);
            }
        }
    }

    /**
     * Qwen2's refusal counts each row's tokens too: a sequence that joined the engine's timeline late sits after
     * columns the others used, and stays within the window. A sequence that reaches the window ends there as at a
     * length limit (the window is the model's context), without failing the others.
     */
    @Test
    void qwenWindowRefusalCountsTheRowsTokensInTheEngine() throws IOException {
        Path dir = copy("tiny-qwen2", tmp.resolve("e"));
        editConfig(dir, c -> c.put("use_sliding_window", true).put("sliding_window", 8).put("max_window_layers", 1));
        try (LoadedModel m = ModelFolder.load(dir)) {
            GenerationConfig greedy = GenerationConfig.greedy(5).withStopAtEos(false);
            long[] early = {100, 200, 300};
            long[] late = {400, 500, 600};
            ContinuousDecoder.Slot second;
            try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 2, 64)) {
                ContinuousDecoder.Slot first = d.admit(early, greedy.withMaxNewTokens(20), null, null);
                for (int i = 0; i < 3; i++) d.step();
                second = d.admit(late, greedy, null, null);
                while (!first.done() || !second.done()) d.step();
                assertEquals(8, m.model().config().contextLength());
                assertEquals(5, first.output().ids().length, "3 prompt tokens and 5 generated fill the window of 8");
                assertTrue(first.output().hitMaxTokens());
            }
            assertArrayEquals(new Generator(m.model(), m.tokenizer(), false).generate(List.of(late), greedy).get(0).ids(),
                    second.output().ids());
        }
    }

    private static long[] concat(long[] a, long... b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void qwenWindowRefusesOnlyLongerSequences() throws IOException {
        Path dir = copy("tiny-qwen2", tmp.resolve("q"));
        editConfig(dir, c -> c.put("use_sliding_window", true).put("sliding_window", 8).put("max_window_layers", 1));
        try (LoadedModel m = ModelFolder.load(dir); LoadedModel plain = ModelFolder.load(Shared.path("fixtures/llama/tiny-qwen2"))) {
            long[] ids = {100, 200, 300, 400, 500, 600, 700, 800, 900};
            assertArrayEquals(lastLogits(plain.model(), Arrays.copyOf(ids, 8)), lastLogits(m.model(), Arrays.copyOf(ids, 8)));
            BadInputException e = assertThrows(BadInputException.class, () -> lastLogits(m.model(), ids));
            assertTrue(e.getMessage().contains("9 tokens are more than qwen2's sliding_window 8"), e.getMessage());
        }
    }

    private static float[] lastLogits(CausalLM model, long[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(1, ids.length);
            NDArray logits = model.forward(m.create(ids, shape), m.ones(shape, ai.djl.ndarray.types.DataType.INT64), null, false);
            return logits.get(":, -1, :").toFloatArray();
        }
    }

    private static void assertArrayClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
    }
}
