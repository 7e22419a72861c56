package io.tooltune.generate;

import io.tooltune.Shared;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Sequence} decodes only the last tokens at each step; its text and its streamed pieces must equal what one
 * decode of the whole sequence gives, for byte-level BPE (OPT, Qwen2) and SentencePiece with byte fallback (Llama),
 * with characters split over several tokens, and with stop strings that span pieces.
 */
class IncrementalDetokenizeTest {
    private static final String TEXT = "Grüße aus Köln 😀! 東京は晴れ。 naïve café — \"quoted\" {\"k\": [1, 2]}\n\tend 🇫🇷 ok";

    /** Drives a sequence token by token (greedy over one-hot logits). */
    private static void feed(Sequence seq, long[] ids, int vocab) {
        for (long id : ids) {
            if (seq.done()) break;
            float[] logits = new float[vocab];
            logits[(int) id] = 10f;
            seq.next(logits, 0, vocab);
        }
    }

    private static int vocab(long[] ids) {
        return (int) Arrays.stream(ids).max().orElse(0) + 1;
    }

    private static void assertIncrementalEqualsWhole(String tokenizerDir) {
        Tokenizer tok = Tokenizer.load(Shared.path(tokenizerDir));
        long[] ids = tok.encode(TEXT, false);
        assertTrue(ids.length > 20, tokenizerDir + ": " + ids.length + " tokens");
        boolean split = false;
        for (int k = 1; k < ids.length && !split; k++) split = tok.decode(Arrays.copyOf(ids, k), true).endsWith("\uFFFD");
        assertTrue(split, tokenizerDir + ": the text has a character split over tokens");
        List<String> pieces = new ArrayList<>();
        Sequence seq = new Sequence(new long[] {1}, GenerationConfig.greedy(ids.length).withStopAtEos(false), null,
                pieces::add, new Sequence.Limits(tok, List.of(), 1 << 20));
        feed(seq, ids, vocab(ids));
        String whole = tok.decode(ids, true);
        assertEquals(whole, seq.output().text(), tokenizerDir);
        assertEquals(whole, String.join("", pieces), tokenizerDir);
        assertTrue(pieces.size() > 10, tokenizerDir + ": streamed in pieces " + pieces);
        for (String p : pieces) assertFalse(p.contains("\uFFFD"), tokenizerDir + ": a partial character was sent: " + pieces);
    }

    @Test
    void optByteLevelBpe() {
        assertIncrementalEqualsWhole("fixtures/opt/tokenizer");
    }

    @Test
    void llamaSentencePieceWithByteFallback() {
        assertIncrementalEqualsWhole("fixtures/llama/tokenizer");
    }

    @Test
    void qwen2ByteLevelBpe() {
        assertIncrementalEqualsWhole("fixtures/llama/tiny-qwen2");
    }

    /** A stop string made of several tokens (and of a multi-byte character) is never streamed, and cuts the text. */
    @Test
    void aStopStringAcrossPiecesIsHeldBackThenCut() {
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        String stop = "Köln 😀";
        long[] ids = tok.encode(TEXT, false);
        List<String> pieces = new ArrayList<>();
        Sequence seq = new Sequence(new long[] {1}, GenerationConfig.greedy(ids.length).withStopAtEos(false)
                .withStopStrings(List.of(stop)), null, pieces::add, new Sequence.Limits(tok, List.of(), 1 << 20));
        feed(seq, ids, vocab(ids));
        assertTrue(seq.done());
        assertEquals("Grüße aus ", seq.output().text());
        assertEquals("Grüße aus ", String.join("", pieces));
        for (String p : pieces) assertFalse(p.contains("K"), "a possible stop string's start was sent: " + pieces);
    }

    /** Each token's text end, counted incrementally, is where a whole decode of the tokens so far ends. */
    @Test
    void tokenTextEndsMatchWholeDecodes() {
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/llama/tokenizer"));
        long[] ids = tok.encode(TEXT, false);
        Sequence seq = new Sequence(new long[] {1}, GenerationConfig.greedy(ids.length).withStopAtEos(false).withLogprobs(0),
                null, null, new Sequence.Limits(tok, List.of(), 1 << 20));
        feed(seq, ids, vocab(ids));
        List<TokenLogprob> scored = seq.output().logprobs();
        assertEquals(ids.length, scored.size());
        for (int k = 0; k < ids.length; k++) {
            String prefix = tok.decode(Arrays.copyOf(ids, k + 1), true);
            if (!prefix.endsWith("\uFFFD")) assertEquals(prefix.length(), scored.get(k).textEnd(), "token " + k);
        }
    }
}
