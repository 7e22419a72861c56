package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.eval.bfcl.BfclScorer.CategoryScore;
import io.tooltune.eval.bfcl.BfclScorer.Scored;
import io.tooltune.eval.bfcl.BfclScorer.Verdict;
import io.tooltune.eval.bfcl.Leaderboard.Aggregate;
import io.tooltune.report.Table;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tooltune bfcl score}: scores a results folder and writes {@code verdicts.jsonl} (one line per result line),
 * {@code scores.json} and {@code scores.md} (per-category accuracy and BFCL's aggregates, percentages with 2
 * decimals as BFCL prints them).
 */
public final class BfclReport {
    /** What a scoring run produced: the scores, their aggregates and the Markdown tables. */
    public record Outcome(Scored scored, List<Aggregate> aggregates, String markdown) {}

    private BfclReport() {}

    public static Outcome scoreAndWrite(Path dataDir, Path resultsDir, Path outputDir, PrintStream err) throws IOException {
        Scored scored = BfclScorer.score(dataDir, resultsDir, err);
        List<Aggregate> aggregates = Leaderboard.aggregates(scored.categories(), id -> fullSize(dataDir, id));
        Files.createDirectories(outputDir);
        try (BufferedWriter w = Files.newBufferedWriter(outputDir.resolve("verdicts.jsonl"), StandardCharsets.UTF_8)) {
            for (Verdict v : scored.verdicts()) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("category", v.category()).put("id", v.id()).put("valid", v.valid());
                if (v.errorType() == null) o.putNull("error_type");
                else o.put("error_type", v.errorType());
                w.write(Json.MAPPER.writeValueAsString(o));
                w.write('\n');
            }
        }
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(outputDir.resolve("scores.json").toFile(), scoresJson(scored, aggregates));
        String md = markdown(scored.categories(), aggregates);
        Files.writeString(outputDir.resolve("scores.md"), md, StandardCharsets.UTF_8);
        return new Outcome(scored, aggregates, md);
    }

    /** A missing category's weight: its data file's entries when present, else BFCL v4's full count. */
    private static int fullSize(Path dataDir, String id) {
        Path data = dataDir.resolve(Category.PREFIX + id + ".json");
        if (Files.isRegularFile(data)) {
            try (var lines = Files.lines(data, StandardCharsets.UTF_8)) {
                return (int) lines.filter(l -> !l.isBlank()).count();
            } catch (IOException e) {
                return Category.of(id).fullSize;
            }
        }
        return Category.of(id).fullSize;
    }

    private static ObjectNode scoresJson(Scored scored, List<Aggregate> aggregates) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode cats = root.putObject("categories");
        for (CategoryScore s : scored.categories().values()) {
            cats.putObject(s.category()).put("correct", s.correct()).put("total", s.total()).put("accuracy", s.accuracy());
        }
        ArrayNode notRun = root.putArray("not_run");
        for (Category c : Category.values()) if (!scored.categories().containsKey(c.id)) notRun.add(c.id);
        ArrayNode aggs = root.putArray("aggregates");
        for (Aggregate a : aggregates) {
            aggs.addObject().put("name", a.name()).put("accuracy", a.accuracy()).put("display", display(a));
        }
        return root;
    }

    static String percent(double accuracy) {
        return String.format(Locale.ROOT, "%.2f%%", accuracy * 100);
    }

    private static String display(Aggregate a) {
        return a.na() ? "N/A" : percent(a.accuracy());
    }

    static String markdown(Map<String, CategoryScore> categories, List<Aggregate> aggregates) {
        List<List<String>> rows = new ArrayList<>();
        for (CategoryScore s : categories.values()) {
            rows.add(List.of(s.category(), s.correct() + "/" + s.total(), percent(s.accuracy())));
        }
        Table perCategory = new Table("BFCL accuracy per category", List.of("category", "correct", "accuracy"), rows);
        List<List<String>> aggRows = new ArrayList<>();
        for (Aggregate a : aggregates) aggRows.add(List.of(a.name(), display(a)));
        Table summary = new Table("BFCL aggregates (categories not run count 0; N/A: a part was not run)",
                List.of("score", "accuracy"), aggRows);
        return perCategory.markdown() + "\n" + summary.markdown();
    }
}
