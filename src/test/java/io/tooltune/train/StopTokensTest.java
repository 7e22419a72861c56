package io.tooltune.train;

import io.tooltune.Shared;
import io.tooltune.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-of-sequence label survives padding with the EOS id, and train warns when the data never labels a stop token. */
class StopTokensTest {
    @TempDir
    Path tmp;

    @Test
    void theFinalEosStaysATargetWhenThePadIsTheEos() {
        int eos = 2;
        SftExample e = new SftExample("a", new int[] {eos, 500, 600, eos}, new int[] {-100, 500, 600, eos});
        SftExample longer = new SftExample("b", new int[] {eos, 500, 600, 700, 800, eos}, new int[] {-100, -100, 600, 700, 800, eos});
        BatchPlan.Batch b = BatchPlan.collate(List.of(e, longer), new int[] {0, 1}, eos);
        // row 0: targets of positions 0..2 are 500, 600, EOS; the EOS pads after it carry no loss
        assertEquals(eos, b.targets()[2]);
        assertEquals(1f, b.weights()[2]);
        assertEquals(0f, b.weights()[3]);
        assertEquals(3 + 4, b.labelTokens());
    }

    private CliRun train(String labels) throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"), List.of(
                "{\"id\":\"a\",\"input_ids\":[2,500,600,2],\"labels\":" + labels + "}",
                "{\"id\":\"b\",\"input_ids\":[2,510,610,2],\"labels\":" + labels + "}"));
        return CliRun.of("train", "--model", Shared.path("fixtures/opt/tiny-opt-prenorm").toString(), "--data",
                data.toString(), "--output", tmp.resolve("out").toString(), "--batch-size", "2",
                "--gradient-accumulation-steps", "1", "--max-steps", "1", "--precision", "fp32", "--save-steps", "0");
    }

    @Test
    void trainWarnsWhenNoStopTokenIsLabelled() throws Exception {
        CliRun masked = train("[-100,500,600,-100]");
        assertEquals(0, masked.code(), masked.err());
        assertTrue(masked.err().contains("warning: no example has a labelled end-of-sequence or end-of-turn token [2]"), masked.err());
        CliRun labelled = train("[-100,500,600,2]");
        assertEquals(0, labelled.code(), labelled.err());
        assertFalse(labelled.err().contains("no example has a labelled"), labelled.err());
    }
}
