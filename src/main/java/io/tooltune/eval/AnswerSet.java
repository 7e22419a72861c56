package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.format.ConvertedAnswer;
import io.tooltune.data.format.TestGroup;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model's answers per test group, in ToolEval's converted format, read from a folder recognised by content:
 * converted files ({@code <group>.json} = {qid: {query, available_tools, answer}}), or raw answer files
 * ({@code <qid>_<method>.json} with answer_generation) in per-group subfolders or directly inside (then the folder's
 * name is the group when it is one). Unreadable answer files are kept as failed queries with their reason; an unreadable converted
 * file (a whole group) is refused.
 */
public record AnswerSet(String model, Map<String, Map<String, JsonNode>> answers, Map<String, Map<String, String>> failures) {
    public static AnswerSet load(Path dir, String model, long seed) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a folder of answers");
        Map<String, Map<String, JsonNode>> answers = new TreeMap<>();
        Map<String, Map<String, String>> failures = new TreeMap<>();
        AnswerConverter converter = new AnswerConverter(seed);
        try {
            List<Path> entries;
            try (var s = Files.list(dir)) {
                entries = s.sorted().toList();
            }
            List<Path> rawFiles = new ArrayList<>();
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    if (containsRaw(p)) convertInto(converter, p, name, answers, failures);
                } else if (name.endsWith(".json")) {
                    String stem = name.substring(0, name.length() - 5);
                    if (TestGroup.NAMES.contains(stem) || !name.contains("_") || !Character.isDigit(name.charAt(0))) {
                        readConverted(p, stem, answers, failures);
                    } else {
                        rawFiles.add(p);
                    }
                }
            }
            if (!rawFiles.isEmpty()) {
                String group = TestGroup.NAMES.contains(dir.getFileName().toString()) ? dir.getFileName().toString() : "default";
                convertInto(converter, dir, group, answers, failures);
            }
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot read (" + e.getMessage() + ")");
        }
        if (answers.isEmpty() && failures.isEmpty()) throw new BadInputException(dir + ": no raw or converted answers found");
        return new AnswerSet(model, answers, failures);
    }

    private static boolean containsRaw(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("[^_]+_.+\\.json"));
        }
    }

    private static void convertInto(AnswerConverter c, Path dir, String group, Map<String, Map<String, JsonNode>> answers,
                                    Map<String, Map<String, String>> failures) throws IOException {
        Map<String, String> failed = new LinkedHashMap<>();
        answers.computeIfAbsent(group, g -> new LinkedHashMap<>()).putAll(c.convertFolder(dir, failed));
        if (!failed.isEmpty()) failures.computeIfAbsent(group, g -> new LinkedHashMap<>()).putAll(failed);
    }

    /**
     * A converted file holds a whole group: one that cannot be read as a JSON object of answers is refused naming
     * the file (a truncated copy would otherwise score as an empty group); a bad entry inside is one failed query.
     */
    private static void readConverted(Path file, String group, Map<String, Map<String, JsonNode>> answers,
                                      Map<String, Map<String, String>> failures) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not a readable answers file, " + jsonProblem(e));
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": expected a JSON object of answers keyed by query id, found "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        Map<String, JsonNode> g = answers.computeIfAbsent(group, k -> new LinkedHashMap<>());
        root.fields().forEachRemaining(e -> {
            try {
                ConvertedAnswer.of(e.getKey(), e.getValue(), file + ": " + e.getKey());
                g.put(e.getKey(), e.getValue());
            } catch (BadInputException bad) {
                failures.computeIfAbsent(group, k -> new LinkedHashMap<>()).put(e.getKey(), bad.getMessage());
            }
        });
    }

    /** Why a file is not JSON, in one line: truncated, not UTF-8, or the parser's first line. */
    static String jsonProblem(IOException e) {
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (first.contains("end-of-input")) return "truncated JSON (" + first + ")";
        if (first.contains("Invalid UTF-8") || e instanceof CharConversionException) return "not UTF-8 text (" + first + ")";
        return "malformed JSON (" + first + ")";
    }

    /** Every answer that could not be read, as "file: problem" lines; each counts as a failed query. */
    public List<String> unreadable() {
        List<String> out = new ArrayList<>();
        failures.values().forEach(m -> out.addAll(m.values()));
        return out;
    }
}
