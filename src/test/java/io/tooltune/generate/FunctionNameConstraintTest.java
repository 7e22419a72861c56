package io.tooltune.generate;

import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionNameConstraintTest {
    private static final String[] TOKENS = {"<s>", " album", "album", "_search", "_for", "_x", "\n", " info", " ", "Fin",
        "ish", " Finish", "Action", ":"};

    private static List<String> allowed(BitSet b) {
        List<String> out = new ArrayList<>();
        b.stream().forEach(i -> out.add(TOKENS[i]));
        return out;
    }

    @Test
    void onlyTheOfferedNamesMayFollowTheActionMark() {
        FunctionNameConstraint c = new FunctionNameConstraint(TOKENS, List.of("album_search_for_x", "Finish"));
        assertNull(c.allowedAfter("Thought: I will search\n"), "free before the mark");
        assertEquals(List.of(" album", "album", " ", "Fin", " Finish"), allowed(c.allowedAfter("Thought: \nAction:")));
        assertEquals(List.of("_search"), allowed(c.allowedAfter("Thought: \nAction: album")));
        assertEquals(List.of("\n"), allowed(c.allowedAfter("Thought: \nAction: album_search_for_x")));
        assertEquals(List.of("ish"), allowed(c.allowedAfter("Action:Fin")));
        assertNull(c.allowedAfter("Thought: \nAction: album_search_for_x\nAction Input: {"), "free after the name's line");
        assertNull(c.allowedAfter("Thought: \nAction: weather"), "free when already off every name (never a dead end)");
    }

    /** Whatever allowed tokens a decoder picks, the line after the mark spells an offered name (real tokenizer). */
    @Test
    void everyAllowedPathSpellsAnOfferedName() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"))) {
            String[] texts = FunctionNameConstraint.tokenTexts(m.tokenizer(), m.model().config().vocabSize());
            List<String> names = List.of("album_search_for_nulum_connect", "album_info_by_id_for_nulum_connect", "Finish");
            FunctionNameConstraint c = new FunctionNameConstraint(texts, names);
            Random rnd = new Random(3);
            for (int trial = 0; trial < 50; trial++) {
                String text = "Thought: \nAction:";
                for (BitSet a = c.allowedAfter(text); a != null; a = c.allowedAfter(text)) {
                    int[] ids = a.stream().toArray();
                    text += texts[ids[rnd.nextInt(ids.length)]];
                }
                String line = text.substring(text.indexOf("Action:") + 7);
                assertTrue(line.endsWith("\n") && names.contains(line.strip()), line);
            }
        }
    }

    /** In the generator, the constraint masks the model's logits: a random model writes an offered name after the mark. */
    @Test
    void theGeneratorDecodesWithinTheConstraint() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"))) {
            String[] texts = FunctionNameConstraint.tokenTexts(m.tokenizer(), m.model().config().vocabSize());
            long[] forced = m.tokenizer().encode("Thought: look it up\nAction:", false);
            List<String> names = List.of("album_search_for_nulum_connect", "Finish");
            FunctionNameConstraint constraint = new FunctionNameConstraint(texts, names);
            Generator g = new Generator(m.model(), m.tokenizer());
            GenerationConfig cfg = GenerationConfig.greedy(forced.length + 16).withStopAtEos(false);
            long[] prompt = m.tokenizer().encode("User: find the album\nAssistant:\n");
            String free = g.generate(List.of(prompt), cfg, i -> false, List.of(forcing(forced, texts, null))).get(0).text();
            String constrained = g.generate(List.of(prompt), cfg, i -> false, List.of(forcing(forced, texts, constraint))).get(0).text();
            assertTrue(free.startsWith("Thought: look it up\nAction:") && constrained.startsWith("Thought: look it up\nAction:"));
            String freeLine = free.substring(free.indexOf("Action:") + 7).split("\n", -1)[0].strip();
            String line = constrained.substring(constrained.indexOf("Action:") + 7).split("\n", -1)[0].strip();
            assertFalse(names.contains(freeLine), "the random model alone does not write a name: " + freeLine);
            assertTrue(names.contains(line), line);
        }
    }

    /** Forces {@code prefix}'s tokens one by one, then applies {@code then} (null: free). */
    private static TokenConstraint forcing(long[] prefix, String[] texts, TokenConstraint then) {
        return new TokenConstraint() {
            int k;

            @Override
            public BitSet allowed(int tokensLeft) {
                if (k >= prefix.length) return then == null ? null : then.allowed(tokensLeft);
                BitSet only = new BitSet(texts.length);
                only.set((int) prefix[k]);
                return only;
            }

            @Override
            public void accept(int tokenId) {
                k++;
                if (then != null) then.accept(tokenId);
            }
        };
    }
}
