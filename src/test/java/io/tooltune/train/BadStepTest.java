package io.tooltune.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps whose loss is not finite are named (step and example ids) and skipped; ten in a row stop the run. */
class BadStepTest {
    @TempDir
    Path tmp;

    private static String ex(String id, boolean trained) {
        String labels = trained ? "[-100,500,600,2]" : "[-100,-100,-100,-100]";
        return "{\"id\":\"" + id + "\",\"input_ids\":[2,500,600,2],\"labels\":" + labels + "}";
    }

    private String run(Path data, Path out, int[] code) {
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            code[0] = Main.run("train", "--model", model.toString(), "--data", data.toString(), "--output",
                    out.toString(), "--batch-size", "1", "--gradient-accumulation-steps", "1", "--no-shuffle",
                    "--precision", "fp32", "--save-steps", "0", "--warmup-steps", "0", "--learning-rate", "1e-3");
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    @Test
    void nonFiniteStepsAreSkippedAndNamed() throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"), List.of(ex("a", true), ex("b", true), ex("masked", false),
                ex("c", true)));
        int[] code = new int[1];
        String err = run(data, tmp.resolve("out"), code);
        assertEquals(0, code[0], err);
        assertTrue(err.contains("step 3 skipped: no label tokens in examples [masked]"), err);
        List<JsonNode> log = FixtureTrainingTest.readLog(tmp.resolve("out"));
        assertEquals(4, log.size());
        assertEquals("non-finite loss", log.get(2).get("skipped").asText());
        assertTrue(Double.isFinite(log.get(3).get("loss").asDouble()));
        // the skipped step did not advance the schedule: step 4 uses the rate step 3 would have used
        assertEquals(1e-3 * (4 - 2) / 4.0, log.get(3).get("learning_rate").asDouble(), 1e-12);
    }

    @Test
    void tenBadStepsInARowStopTheRun() throws Exception {
        List<String> lines = new ArrayList<>(List.of(ex("a", true)));
        for (int i = 0; i < 11; i++) lines.add(ex("m" + i, false));
        Path data = Files.write(tmp.resolve("d.jsonl"), lines);
        int[] code = new int[1];
        String err = run(data, tmp.resolve("out2"), code);
        assertEquals(1, code[0]);
        assertTrue(err.contains("10 optimizer steps in a row had a non-finite loss (last: step 11"), err);
    }
}
