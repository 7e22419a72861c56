package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tooltune bfcl score} end to end: outputs, live categories by their namesakes' rules, and bad input. */
class BfclScoreCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesVerdictsScoresAndTable() throws IOException {
        Path bfcl = Shared.path("data/bfcl");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("bfcl", "score", "--data", bfcl.toString(), "--results", bfcl.resolve("results/wrong_func_name").toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> verdicts = Files.readAllLines(out.resolve("verdicts.jsonl"));
        long resultLines = 0;
        try (var files = Files.list(bfcl.resolve("results/wrong_func_name"))) {
            for (Path p : files.toList()) resultLines += Files.readAllLines(p).size();
        }
        assertEquals(resultLines, verdicts.size());
        JsonNode first = Json.MAPPER.readTree(verdicts.get(0));
        assertEquals(List.of("category", "id", "valid", "error_type"), iterableToList(first.fieldNames()));
        JsonNode scores = Json.MAPPER.readTree(out.resolve("scores.json").toFile());
        assertEquals(0.0, scores.path("categories").path("simple_python").path("accuracy").asDouble(), 0);
        assertTrue(r.out().contains("| simple_python |"), r.out());
        assertTrue(r.out().contains("Overall"), r.out());
        assertTrue(Files.readString(out.resolve("scores.md")).equals(r.out()));
    }

    @Test
    void liveCategoriesAreCheckedLikeTheirNamesakes() throws IOException {
        Path bfcl = Shared.path("data/bfcl");
        Path data = tmp.resolve("data"), results = tmp.resolve("results");
        Files.createDirectories(data.resolve("possible_answer"));
        Files.createDirectories(results);
        renameCategory(bfcl.resolve("BFCL_v4_parallel.json"), data.resolve("BFCL_v4_live_parallel.json"), "parallel", "live_parallel");
        renameCategory(bfcl.resolve("possible_answer/BFCL_v4_parallel.json"), data.resolve("possible_answer/BFCL_v4_live_parallel.json"),
                "parallel", "live_parallel");
        renameCategory(bfcl.resolve("results/greedy_trap/BFCL_v4_parallel_result.json"),
                results.resolve("BFCL_v4_live_parallel_result.json"), "parallel", "live_parallel");
        renameCategory(bfcl.resolve("BFCL_v4_irrelevance.json"), data.resolve("BFCL_v4_live_relevance.json"), "irrelevance", "live_relevance");
        Files.writeString(results.resolve("BFCL_v4_live_relevance_result.json"),
                "{\"id\": \"live_relevance_0\", \"result\": \"[f(x=1)]\"}\n{\"id\": \"live_relevance_1\", \"result\": \"[]\"}\n");

        BfclScorer.Scored live = BfclScorer.score(data, results, System.err);
        BfclScorer.Scored original = BfclScorer.score(bfcl, bfcl.resolve("results/greedy_trap"), System.err);
        List<BfclScorer.Verdict> liveParallel = live.verdicts().stream().filter(v -> v.category().equals("live_parallel")).toList();
        assertEquals(original.verdicts().size(), liveParallel.size());
        for (int i = 0; i < liveParallel.size(); i++) {
            assertEquals(original.verdicts().get(i).errorType(), liveParallel.get(i).errorType(), liveParallel.get(i).id());
        }
        List<BfclScorer.Verdict> relevance = live.verdicts().stream().filter(v -> v.category().equals("live_relevance")).toList();
        assertTrue(relevance.get(0).valid(), "any decoded call is relevant");
        assertEquals("relevance_error:decoder_failed", relevance.get(1).errorType());
    }

    @Test
    void badInputNamesEveryFileLineAndProblem() throws IOException {
        Path bfcl = Shared.path("data/bfcl");
        Path results = tmp.resolve("results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("BFCL_v4_simple_python_result.json"), String.join("\n",
                "{\"id\": \"simple_python_0\", \"result\": \"[f()]\"}",
                "{\"id\": \"simple_python_999999\", \"result\": \"[f()]\"}",
                "{\"id\": \"simple_python_1\", \"result\": ",
                "{\"id\": \"simple_python_0\", \"result\": \"[f()]\"}") + "\n");
        Files.writeString(results.resolve("BFCL_v4_simple_java_result.json"), "{\"id\": \"simple_java_0\", \"result\": \"x\"}\n");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("bfcl", "score", "--data", bfcl.toString(), "--results", results.toString(), "--output", out.toString());
        assertEquals(2, r.code());
        String file = results.resolve("BFCL_v4_simple_python_result.json").toString();
        assertTrue(r.err().contains(file + ":2: id simple_python_999999 is not in the simple_python data"), r.err());
        assertTrue(r.err().contains(file + ":3: not a JSON object"), r.err());
        assertTrue(r.err().contains(file + ":4: id simple_python_0 appears twice"), r.err());
        assertTrue(r.err().contains("Java/JavaScript categories are not supported"), r.err());
        assertTrue(Files.notExists(out.resolve("scores.json")), "nothing is scored from bad input");
    }

    @Test
    void aCategoryWithoutPossibleAnswersIsBadInput() throws IOException {
        Path data = tmp.resolve("data"), results = tmp.resolve("results");
        Files.createDirectories(data);
        Files.createDirectories(results);
        Files.copy(Shared.path("data/bfcl/BFCL_v4_multiple.json"), data.resolve("BFCL_v4_multiple.json"));
        Files.writeString(results.resolve("BFCL_v4_multiple_result.json"), "{\"id\": \"multiple_0\", \"result\": \"[]\"}\n");
        CliRun r = CliRun.of("bfcl", "score", "--data", data.toString(), "--results", results.toString(), "--output", tmp.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("possible_answer/BFCL_v4_multiple.json: category multiple has no possible answers"), r.err());
    }

    private static void renameCategory(Path from, Path to, String oldName, String newName) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(from)) {
            sb.append(line.replace("\"id\": \"" + oldName + "_", "\"id\": \"" + newName + "_")).append('\n');
        }
        Files.writeString(to, sb.toString());
    }

    private static <T> List<T> iterableToList(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
