package io.tooltune.generate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationConfigTest {
    /** ToolBench's local-model settings, as `tooltune run` passed them positionally before the presets. */
    @Test
    void toolLlamaIsTheAgentsSampling() {
        assertEquals(new GenerationConfig(512, 0.1, 1, 0, 42L, List.of(), true), GenerationConfig.toolLlama());
    }

    @Test
    void eachWitherChangesItsOwnSetting() {
        GenerationConfig g = GenerationConfig.greedy(8);
        assertEquals(new GenerationConfig(8, 0, 1, 0, null, List.of(), true), g);
        assertEquals(new GenerationConfig(9, 0, 1, 0, null, List.of(), true), g.withMaxNewTokens(9));
        assertEquals(new GenerationConfig(8, 0.7, 1, 0, null, List.of(), true), g.withTemperature(0.7));
        assertEquals(new GenerationConfig(8, 0.7, 1, 0, null, List.of(), true), GenerationConfig.sampling(8, 0.7));
        assertEquals(new GenerationConfig(8, 0, 0.9, 0, null, List.of(), true), g.withTopP(0.9));
        assertEquals(new GenerationConfig(8, 0, 1, 5, null, List.of(), true), g.withTopK(5));
        assertEquals(new GenerationConfig(8, 0, 1, 0, 3L, List.of(), true), g.withSeed(3L));
        assertEquals(new GenerationConfig(8, 0, 1, 0, null, List.of("\n"), true), g.withStopStrings(List.of("\n", "")));
        assertEquals(new GenerationConfig(8, 0, 1, 0, null, List.of(), false), g.withStopAtEos(false));
    }

    @Test
    void theScoringWithersChangeOnlyTheirSetting() {
        GenerationConfig g = GenerationConfig.greedy(8);
        assertEquals(GenerationConfig.NO_LOGPROBS, g.topLogprobs());
        assertFalse(g.logprobs());
        GenerationConfig all = g.withPresencePenalty(0.5).withFrequencyPenalty(-1).withLogitBias(Map.of(7, -100.0)).withLogprobs(3);
        assertEquals(new GenerationConfig(8, 0, 1, 0, null, List.of(), true, 0.5, -1, Map.of(7, -100.0), 3), all);
        assertTrue(all.logprobs());
        assertEquals(g, all.withPresencePenalty(0).withFrequencyPenalty(0).withLogitBias(null).withLogprobs(GenerationConfig.NO_LOGPROBS));
        assertEquals(all, all.withSeed(5L).withSeed(null), "other withers keep them");
        assertThrows(IllegalArgumentException.class, () -> g.withLogprobs(-2));
        assertThrows(IllegalArgumentException.class, () -> g.withFrequencyPenalty(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> g.withLogitBias(Map.of(-1, 1.0)));
    }

    @Test
    void withersValidateAsTheConstructorDoes() {
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(8).withTopP(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(8).withTemperature(-1));
    }
}
