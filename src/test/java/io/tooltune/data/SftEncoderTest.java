package io.tooltune.data;

import io.tooltune.BadInputException;
import io.tooltune.Shared;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SftEncoderTest {
    static Tokenizer tok;
    static List<ToolLlamaExample> examples;

    @BeforeAll
    static void load() {
        tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        examples = DataFiles.readToolLlama(Shared.path("data/toolbench/expected_toolllama_instances.json"));
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    private static long[] labelled(SftEncoder.Encoded e) {
        return Arrays.stream(e.labels()).filter(l -> l != SftEncoder.IGNORE).toArray();
    }

    @Test
    void lossOnlyOnTheFinalReplyAndEos() {
        SftEncoder enc = new SftEncoder(tok, SftEncoder.LossOn.FINAL, 0);
        for (ToolLlamaExample ex : examples.subList(0, 6)) {
            SftEncoder.Encoded e = enc.encode(ex);
            assertEquals(e.inputIds().length, e.labels().length);
            List<Turn> turns = ex.conversations();
            String reply = turns.get(turns.size() - 1).value();
            assertEquals(reply + "</s>", tok.decode(labelled(e)));
            // the labelled tokens are the last ones, and the whole sequence is the rendered conversation
            int n = labelled(e).length;
            for (int i = 0; i < e.labels().length; i++) {
                assertEquals(i >= e.labels().length - n, e.labels()[i] != SftEncoder.IGNORE);
            }
            assertEquals("</s>" + ToolLlamaPrompt.renderTraining(turns), tok.decode(e.inputIds()));
            assertEquals(0, e.cut());
        }
    }

    @Test
    void maxLengthCutsContextAndKeepsTheTarget() {
        ToolLlamaExample ex = examples.get(1);
        SftEncoder.Encoded full = new SftEncoder(tok, SftEncoder.LossOn.FINAL, 0).encode(ex);
        int max = full.inputIds().length - 100;
        SftEncoder.Encoded cut = new SftEncoder(tok, SftEncoder.LossOn.FINAL, max).encode(ex);
        assertEquals(max, cut.inputIds().length);
        assertEquals(100, cut.cut());
        assertEquals(full.inputIds()[0], cut.inputIds()[0]); // BOS kept
        assertTrue(Arrays.equals(labelled(full), labelled(cut)));
        int target = labelled(full).length;
        assertThrows(BadInputException.class, () -> new SftEncoder(tok, SftEncoder.LossOn.FINAL, target).encode(ex));
    }

    @Test
    void allAssistantPutsLossOnEveryAssistantTurn() {
        ToolLlamaExample ex = examples.get(2);
        SftEncoder.Encoded e = new SftEncoder(tok, SftEncoder.LossOn.ALL_ASSISTANT, 0).encode(ex);
        String want = ex.conversations().stream().filter(t -> t.from().equals("assistant")).map(Turn::value)
                .collect(Collectors.joining("\n")) + "</s>";
        assertEquals(want, tok.decode(labelled(e)));
        assertEquals("</s>" + ToolLlamaPrompt.renderTraining(ex.conversations()), tok.decode(e.inputIds()));
    }

    @Test
    void refusesAConversationNotEndingWithTheAssistant() {
        ToolLlamaExample bad = new ToolLlamaExample("x", List.of(new Turn("system", "s"), new Turn("user", "u")));
        assertThrows(BadInputException.class, () -> new SftEncoder(tok, SftEncoder.LossOn.FINAL, 0).encode(bad));
    }
}
