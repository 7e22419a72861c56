package io.tooltune.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The log-softmax at the chosen token and the top alternatives, against hand-computed values. */
class TokenScoresTest {
    @Test
    void logSoftmaxOfProbabilitiesOneTwoThreeSixths() {
        // logits ln 1, ln 2, ln 3 (+ 5, which log-softmax ignores): probabilities 1/6, 2/6, 3/6
        float[] logits = {7, (float) (5 + Math.log(1)), (float) (5 + Math.log(2)), (float) (5 + Math.log(3))};
        TokenScores s = TokenScores.of(logits, 1, 3, 1, 2);
        assertEquals(Math.log(2.0 / 6), s.logprob(), 1e-6);
        assertArrayEquals(new int[] {2, 1}, s.topIds());
        assertArrayEquals(new double[] {Math.log(3.0 / 6), Math.log(2.0 / 6)}, s.topLogprobs(), 1e-6);
    }

    @Test
    void tiesGoToTheLowerIdAndMaskedTokensAreNeverListed() {
        float[] logits = {0, 1, 1, Float.NEGATIVE_INFINITY, 1};
        TokenScores s = TokenScores.of(logits, 0, 5, 2, 20);
        assertArrayEquals(new int[] {1, 2, 4, 0}, s.topIds());
        double logZ = Math.log(3 * Math.E + 1);
        assertEquals(1 - logZ, s.logprob(), 1e-6);
        assertEquals(-logZ, s.topLogprobs()[3], 1e-6);
    }

    @Test
    void noAlternativesWhenTopIsZero() {
        TokenScores s = TokenScores.of(new float[] {0, 0}, 0, 2, 1, 0);
        assertEquals(0, s.topIds().length);
        assertEquals(Math.log(0.5), s.logprob(), 1e-9);
    }

    @Test
    void namedCarriesTextsAndTheTextEnd() {
        TokenLogprob t = TokenScores.of(new float[] {0, 0}, 0, 2, 1, 1).named(id -> "t" + id, 7);
        assertEquals(new TokenLogprob(1, "t1", Math.log(0.5), List.of(new TokenLogprob.Alternative(0, "t0", Math.log(0.5))), 7), t);
    }
}
