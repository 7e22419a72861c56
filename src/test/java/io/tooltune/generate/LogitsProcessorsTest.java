package io.tooltune.generate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** OpenAI's penalties and logit bias against values worked out by hand. */
class LogitsProcessorsTest {
    private static final GenerationConfig GREEDY = GenerationConfig.greedy(8);

    @Test
    void penaltiesCountOnlyGeneratedTokensAndBiasAdds() {
        // second row of a batch of two (from = 4); tokens generated so far: 2, 2, 3
        float[] logits = {9, 9, 9, 9, 1, 2, 3, 4};
        GenerationConfig cfg = GREEDY.withFrequencyPenalty(0.5).withPresencePenalty(0.25)
                .withLogitBias(Map.of(0, 1.0, 3, -100.0));
        LogitsProcessors.apply(logits, 4, 4, cfg, new long[] {2, 2, 3});
        // 0: 1 + 1; 1: untouched; 2: 3 - 2 * 0.5 - 0.25; 3: 4 - 100 - 1 * 0.5 - 0.25
        assertArrayEquals(new float[] {9, 9, 9, 9, 2, 2, 1.75f, -96.75f}, logits);
    }

    @Test
    void negativePenaltiesEncourageRepeats() {
        float[] logits = {0, 0};
        LogitsProcessors.apply(logits, 0, 2, GREEDY.withFrequencyPenalty(-1).withPresencePenalty(-2), new long[] {1});
        assertArrayEquals(new float[] {0, 3}, logits);
    }

    @Test
    void aMaskedLogitStaysMasked() {
        float[] logits = {Float.NEGATIVE_INFINITY, 0};
        LogitsProcessors.apply(logits, 0, 2, GREEDY.withLogitBias(Map.of(0, 100.0)).withPresencePenalty(1), new long[] {0});
        assertEquals(Float.NEGATIVE_INFINITY, logits[0]);
    }

    @Test
    void withoutSettingsNothingChanges() {
        float[] logits = {0.1f, 0.2f};
        LogitsProcessors.apply(logits, 0, 2, GREEDY, new long[] {0, 1});
        assertArrayEquals(new float[] {0.1f, 0.2f}, logits);
    }

    @Test
    void biasOutsideTheRowIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> LogitsProcessors.apply(new float[2], 0, 2, GREEDY.withLogitBias(Map.of(2, 1.0)), new long[] {}));
    }

    @Test
    void samplerPicksFromTheAdjustedLogits() {
        // greedy would take token 1; a frequency penalty of 1 per earlier 1 leaves token 0 ahead after two
        float[] logits = {1, 2.5f, 0};
        Sampler.Pick pick = Sampler.pick(logits, 0, 3, GREEDY.withFrequencyPenalty(1).withLogprobs(2), null, new long[] {1, 1});
        assertEquals(0, pick.token());
        // log-softmax of {1, 0.5, 0} at 0: 1 - ln(e + e^0.5 + 1)
        assertEquals(1 - Math.log(Math.E + Math.exp(0.5) + 1), pick.scores().logprob(), 1e-6);
    }
}
