package io.tooltune.model.mistral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tooltune.BadInputException;
import io.tooltune.Shared;
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
