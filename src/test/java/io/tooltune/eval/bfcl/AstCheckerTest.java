package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker against BFCL's own on outputs the shared variants do not cover: src/test/resources/bfcl/checker_cases.jsonl
 * holds calls built from the ground truth of every other AST entry in ../shared/data/bfcl with random edits (a
 * value replaced by one of many literal kinds, upper-cased or wrapped, a param dropped or added, calls reordered,
 * a name changed), and the valid / error_type BFCL's ast_checker gave each under CPython 3.11 (make_cases.py there).
 */
class AstCheckerTest {
    @Test
    void verdictsAreBfclsOnRandomEdits() throws Exception {
        Path bfcl = Shared.path("data/bfcl");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Map<String, Map<String, BfclFiles.Entry>> entries = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/bfcl/checker_cases.jsonl"));
        for (String line : lines) {
            JsonNode c = Json.MAPPER.readTree(line);
            Category category = Category.of(c.get("category").asText());
            Map<String, BfclFiles.Entry> byId = entries.computeIfAbsent(category.id, k -> {
                Map<String, BfclFiles.Entry> m = new HashMap<>();
                InputProblems problems = new InputProblems();
                for (BfclFiles.Entry e : BfclFiles.entries(bfcl, category, problems)) m.put(e.id(), e);
                problems.throwIfAny(quiet);
                return m;
            });
            BfclScorer.Verdict v = BfclScorer.judge(category, byId.get(c.get("id").asText()), c.get("result").asText());
            String expected = c.get("error_type").isNull() ? null : c.get("error_type").asText();
            if (v.valid() != c.get("valid").asBoolean() || !Objects.equals(expected, v.errorType())) {
                mismatches.add(c.get("id").asText() + " " + c.get("result").asText() + ": expected " + expected + ", got " + v.errorType());
            }
        }
        assertEquals(1500, lines.size());
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches.subList(0, Math.min(30, mismatches.size()))));
    }
}
