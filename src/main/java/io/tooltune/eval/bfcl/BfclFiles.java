package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * BFCL's file layout: data {@code BFCL_v4_<category>.json} beside {@code possible_answer/BFCL_v4_<category>.json},
 * results {@code BFCL_v4_<category>_result.json}; all JSON Lines. Every problem is recorded with its file and line.
 */
final class BfclFiles {
    /** A test entry: {@code groundTruth} is null for relevance categories. */
    record Entry(String id, JsonNode question, JsonNode functions, List<Object> groundTruth) {}

    /** One result line ({@code line} 1-based). */
    record ResultLine(int line, String id, String result) {}

    /** A result file and its category. */
    record ResultFile(Path path, Category category) {}

    private static final Pattern RESULT_NAME = Pattern.compile(Pattern.quote(Category.PREFIX) + "(\\w+?)_result\\.json");

    private BfclFiles() {}

    /** The result files of a folder, by category order; unknown or unsupported categories are problems. */
    static List<ResultFile> resultFiles(Path dir, InputProblems problems) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": results folder not found");
        List<ResultFile> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                Matcher m = RESULT_NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                Category c = Category.of(m.group(1));
                if (c == null) problems.add(p + ": '" + m.group(1) + "' is not a BFCL v4 category");
                else if (c.unsupportedReason() != null) problems.add(p + ": " + c.unsupportedReason());
                else out.add(new ResultFile(p, c));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty() && problems.isEmpty()) {
            throw new BadInputException(dir + ": no result files (" + Category.PREFIX + "<category>_result.json)");
        }
        out.sort((a, b) -> a.category().compareTo(b.category()));
        return out;
    }

    static Path resultPath(Path dir, Category c) {
        return dir.resolve(Category.PREFIX + c.id + "_result.json");
    }

    /** A category's entries with their ground truth (aligned by line, as BFCL aligns them). */
    static List<Entry> entries(Path dataDir, Category c, InputProblems problems) {
        Path data = dataDir.resolve(Category.PREFIX + c.id + ".json");
        if (!Files.isRegularFile(data)) {
            problems.add(data + ": data file for category " + c.id + " not found");
            return List.of();
        }
        List<JsonNode> questions = jsonLines(data, problems);
        List<JsonNode> answers = null;
        if (!c.isRelevance()) {
            Path answerFile = dataDir.resolve("possible_answer").resolve(Category.PREFIX + c.id + ".json");
            if (!Files.isRegularFile(answerFile)) {
                problems.add(answerFile + ": category " + c.id + " has no possible answers");
                return List.of();
            }
            answers = jsonLines(answerFile, problems);
            if (answers.size() != questions.size()) {
                problems.add(answerFile + ": " + answers.size() + " possible answers for " + questions.size() + " entries in " + data);
                return List.of();
            }
        }
        List<Entry> out = new ArrayList<>(questions.size());
        for (int k = 0; k < questions.size(); k++) {
            JsonNode q = questions.get(k);
            if (q == null || (answers != null && answers.get(k) == null)) continue;
            String where = data + ":" + (k + 1) + ": ";
            if (!q.path("id").isTextual()) {
                problems.add(where + "entry has no string \"id\"");
                continue;
            }
            if (!q.path("function").isArray() || (!c.isRelevance() && q.path("function").isEmpty())) {
                problems.add(where + "entry " + q.get("id").asText() + " has no \"function\" list");
                continue;
            }
            List<Object> truth = null;
            if (answers != null) {
                JsonNode gt = answers.get(k).path("ground_truth");
                if (!gt.isArray() || gt.isEmpty() || !allCalls(gt)) {
                    problems.add(dataDir.resolve("possible_answer").resolve(data.getFileName()) + ":" + (k + 1)
                            + ": \"ground_truth\" must be a non-empty list of {function: {param: [values]}}");
                    continue;
                }
                @SuppressWarnings("unchecked") List<Object> t = (List<Object>) Py.fromJson(gt);
                truth = t;
            }
            out.add(new Entry(q.get("id").asText(), q.path("question"), q.get("function"), truth));
        }
        return out;
    }

    private static boolean allCalls(JsonNode gt) {
        for (JsonNode call : gt) {
            if (!call.isObject() || call.size() != 1) return false;
            JsonNode params = call.elements().next();
            if (!params.isObject()) return false;
            for (JsonNode values : params) if (!values.isArray()) return false;
        }
        return true;
    }

    /** A result file's lines; malformed ones are problems. */
    static List<ResultLine> results(Path file, InputProblems problems) {
        List<ResultLine> out = new ArrayList<>();
        List<String> lines = lines(file);
        for (int k = 0; k < lines.size(); k++) {
            String where = file + ":" + (k + 1) + ": ";
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(lines.get(k));
            } catch (JsonProcessingException e) {
                problems.add(where + "not a JSON object (" + e.getOriginalMessage() + ")");
                continue;
            }
            if (n == null || !n.isObject()) {
                problems.add(where + "not a JSON object");
                continue;
            }
            if (!n.path("id").isTextual()) {
                problems.add(where + "no string \"id\"");
                continue;
            }
            JsonNode result = n.get("result");
            if (result == null || !result.isTextual()) {
                problems.add(where + "\"result\" of " + n.get("id").asText() + " is not a string (only prompt-mode outputs are scored)");
                continue;
            }
            out.add(new ResultLine(k + 1, n.get("id").asText(), result.textValue()));
        }
        return out;
    }

    private static List<JsonNode> jsonLines(Path file, InputProblems problems) {
        List<JsonNode> out = new ArrayList<>();
        List<String> lines = lines(file);
        for (int k = 0; k < lines.size(); k++) {
            try {
                JsonNode n = Json.MAPPER.readTree(lines.get(k));
                if (n == null || !n.isObject()) throw new BadInputException("not a JSON object");
                out.add(n);
            } catch (JsonProcessingException | BadInputException e) {
                problems.add(file + ":" + (k + 1) + ": not a JSON object");
                out.add(null); // reported here; the entry is skipped
            }
        }
        return out;
    }

    /** The file's lines as Python's readlines gives them (a final newline ends the last line). */
    private static List<String> lines(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
            return out;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
