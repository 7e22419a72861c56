package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Enum-typed options keep their documented spellings; bad values and sizes are usage errors (exit 2). */
class CommandOptionsTest {

    @Test
    void lossOnTakesItsHyphenatedValue(@TempDir Path tmp) throws Exception {
        String answers = Shared.path("data/toolbench/answer").toString();
        String tokenizer = Shared.path("fixtures/opt/tokenizer").toString();
        Path fin = tmp.resolve("final.jsonl"), all = tmp.resolve("all.jsonl");
        assertEquals(0, Main.run("prepare", "--input", answers, "--model", tokenizer, "--output", fin.toString()));
        assertEquals(0, Main.run("prepare", "--input", answers, "--model", tokenizer, "--output", all.toString(),
                "--loss-on", "all-assistant"));
        long finalLabels = labelled(fin), allLabels = labelled(all);
        assertTrue(allLabels > finalLabels, "every assistant turn labelled: " + allLabels + " vs " + finalLabels);
        assertEquals(2, Main.run("prepare", "--input", answers, "--model", tokenizer, "--output", all.toString(),
                "--loss-on", "every"));
    }

    @Test
    void badChoicesAndSizesAreUsageErrors(@TempDir Path tmp) {
        assertEquals(2, Main.run("run", "--queries", tmp.toString(), "--model", tmp.toString(), "--method", "bfs",
                "--api-embedded", "--output", tmp.resolve("out").toString()));
        assertEquals(2, Main.run("eval", "--answers", tmp.toString(), "--output", tmp.toString(), "--judge", "oracle"));
        assertEquals(2, Main.run("eval", "--answers", tmp.toString(), "--output", tmp.toString(), "--metric", "f1"));
        assertEquals(2, Main.run("demo", "--steps", "0", "--output", tmp.toString()));
        assertEquals(2, Main.run("demo", "--minutes", "0", "--output", tmp.toString()));
    }

    private static long labelled(Path jsonl) throws Exception {
        long n = 0;
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank()) continue;
            JsonNode r = Json.MAPPER.readTree(line);
            for (JsonNode l : r.get("labels")) if (l.asLong() != -100) n++;
        }
        return n;
    }
}
