package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.format.ConvertedAnswer;
import io.tooltune.data.format.TestGroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model's answers per test group, in ToolEval's converted format, read from a folder recognised by content:
 * converted files ({@code <group>.json} = {qid: {query, available_tools, answer}}), or raw answer files
 * ({@code <qid>_<method>.json} with answer_generation) in per-group subfolders or directly inside (then the folder's
 * name is the group when it is one). Unreadable answers are kept as failures with their reason.
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

    private static void readConverted(Path file, String group, Map<String, Map<String, JsonNode>> answers,
                                      Map<String, Map<String, String>> failures) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            failures.computeIfAbsent(group, g -> new LinkedHashMap<>()).put("*", file + ": malformed JSON");
            return;
        }
        if (root == null || !root.isObject()) {
            failures.computeIfAbsent(group, g -> new LinkedHashMap<>()).put("*", file + ": not a JSON object of answers");
            return;
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
}
