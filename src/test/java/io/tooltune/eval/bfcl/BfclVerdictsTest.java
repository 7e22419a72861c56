package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.eval.bfcl.BfclScorer.CategoryScore;
import io.tooltune.eval.bfcl.BfclScorer.Scored;
import io.tooltune.eval.bfcl.BfclScorer.Verdict;
import io.tooltune.eval.bfcl.Leaderboard.Aggregate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BFCL's own verdicts on 1,500 perturbed outputs (../shared/data/bfcl), reproduced line by line. */
class BfclVerdictsTest {
    private static Path bfcl;
    private static final Map<String, Scored> byVariant = new LinkedHashMap<>();

    @BeforeAll
    static void scoreAllVariants() throws IOException {
        bfcl = Shared.path("data/bfcl");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (Stream<Path> dirs = Files.list(bfcl.resolve("results"))) {
            for (Path d : dirs.sorted().toList()) byVariant.put(d.getFileName().toString(), BfclScorer.score(bfcl, d, quiet));
        }
    }

    @Test
    void everyVerdictAndErrorTypeIsBfcls() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (String line : Files.readAllLines(bfcl.resolve("expected_verdicts.jsonl"))) {
            JsonNode e = Json.MAPPER.readTree(line);
            Scored s = byVariant.get(e.get("variant").asText());
            Verdict got = s.verdicts().stream()
                    .filter(v -> v.id().equals(e.get("id").asText()) && v.category().equals(e.get("category").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no verdict for " + line));
            String expectedType = e.get("error_type").isNull() ? null : e.get("error_type").asText();
            compared++;
            if (got.valid() != e.get("valid").asBoolean() || !Objects.equals(got.errorType(), expectedType)) {
                mismatches.add(e.get("variant").asText() + " " + got.id() + ": expected " + expectedType + ", got " + got.errorType()
                        + " for " + e.get("result"));
            }
        }
        assertEquals(1500, compared);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))));
        int verdicts = byVariant.values().stream().mapToInt(s -> s.verdicts().size()).sum();
        assertEquals(1500, verdicts, "one verdict per result line");
    }

    @Test
    void accuracyPerResultFileIsBfcls() throws IOException {
        JsonNode perFile = Json.MAPPER.readTree(bfcl.resolve("expected_accuracy.json").toFile()).get("per_result_file");
        int files = 0;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) perFile::fields) {
            String[] parts = e.getKey().split("/"); // results/<variant>/BFCL_v4_<category>_result.json
            String category = parts[2].substring(Category.PREFIX.length(), parts[2].length() - "_result.json".length());
            CategoryScore s = byVariant.get(parts[1]).categories().get(category);
            assertEquals(e.getValue().get("correct").asInt(), s.correct(), e.getKey());
            assertEquals(e.getValue().get("total").asInt(), s.total(), e.getKey());
            assertEquals(e.getValue().get("accuracy").asDouble(), s.accuracy(), 1e-12, e.getKey());
            files++;
        }
        assertEquals(133, files);
    }

    @Test
    void aggregatesAreBfclsFormulas() throws IOException {
        JsonNode expected = Json.MAPPER.readTree(bfcl.resolve("expected_accuracy.json").toFile());
        Map<String, int[]> pooled = new HashMap<>();
        for (Scored s : byVariant.values()) {
            for (CategoryScore c : s.categories().values()) {
                int[] t = pooled.computeIfAbsent(c.category(), k -> new int[2]);
                t[0] += c.correct();
                t[1] += c.total();
            }
        }
        Map<String, CategoryScore> perCategory = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) expected.get("per_category")::fields) {
            int[] t = pooled.get(e.getKey());
            assertEquals(e.getValue().get("correct").asInt(), t[0], e.getKey());
            assertEquals(e.getValue().get("total").asInt(), t[1], e.getKey());
            perCategory.put(e.getKey(), new CategoryScore(e.getKey(), t[0], t[1]));
        }
        List<Aggregate> aggs = Leaderboard.aggregates(perCategory, id -> Category.of(id).fullSize);
        JsonNode a = expected.get("aggregates");
        assertEquals(value(a, "non_live_simple_ast"), find(aggs, "Non-live simple").accuracy(), 1e-12);
        assertTrue(find(aggs, "Non-live simple").na(), "java/javascript not run: BFCL shows N/A");
        assertEquals(value(a, "non_live_overall ("), find(aggs, "Non-live AST").accuracy(), 1e-12);
        assertEquals(value(a, "irrelevance_total"), find(aggs, "Irrelevance").accuracy(), 1e-12);
        assertEquals(0, find(aggs, "Live AST").accuracy(), 0, "live categories not run count 0");
        double overall = 0.1 * value(a, "non_live_overall (") + 0.1 * value(a, "irrelevance_total");
        assertEquals(overall, find(aggs, "Overall").accuracy(), 1e-12);
    }

    private static double value(JsonNode aggregates, String prefix) {
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) aggregates::fields) {
            if (e.getKey().startsWith(prefix)) return e.getValue().asDouble();
        }
        throw new AssertionError("no aggregate " + prefix);
    }

    private static Aggregate find(List<Aggregate> aggs, String prefix) {
        return aggs.stream().filter(a -> a.name().startsWith(prefix)).findFirst().orElseThrow();
    }
}
