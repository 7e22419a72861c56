package io.tooltune.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.RawAnswer;
import io.tooltune.data.format.RecordLog;
import io.tooltune.data.format.ToolJson;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.ToolNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * ToolLLaMA instances from whatever training source a path holds: a folder (searched recursively) or a file of
 * raw answers, ToolLLaMA json / JSON Lines, or ToolEval converted answers. Each file's kind is recognised from its
 * first JSON tokens; large files stream.
 */
public final class TrainingSources {
    private static final Set<String> RAW_ANSWER_KEYS = Set.of("win", "answer_generation", "tree", "trys", "try_count",
            "forward_args", "compare_candidates");

    /** Counts beyond read/written/skipped: answers that give no training data by design, and why. */
    public static final class Stats {
        public long rawFiles, rawNotValid, rawFilteredByMethod, convertedAnswers, convertedUnfinished, truncatedTargets, cutHistories;

        public String summary() {
            StringBuilder sb = new StringBuilder();
            if (rawFiles > 0 || rawFilteredByMethod > 0) {
                sb.append("raw answers: ").append(rawFiles).append(" used, ").append(rawNotValid)
                        .append(" with valid_data=false (no training data)");
                if (rawFilteredByMethod > 0) sb.append(", ").append(rawFilteredByMethod).append(" files without the method in their name ignored");
                sb.append('\n');
            }
            if (convertedAnswers > 0) {
                sb.append("converted answers: ").append(convertedAnswers).append(", ").append(convertedUnfinished)
                        .append(" never reach Finish (no training data), ").append(truncatedTargets)
                        .append(" steps not used as targets because their call was cut off in the file, ").append(cutHistories)
                        .append(" instances with cut-off calls or observations in their history\n");
            }
            return sb.toString();
        }
    }

    private TrainingSources() {}

    /**
     * Feeds every instance under {@code input} to {@code out}.
     *
     * @param method raw answer files are used only when their name contains it (ToolBench's --method)
     */
    public static Stats forEach(Path input, String method, RecordLog log, Consumer<ToolLlamaExample> out) {
        return forEach(input, method, Map.of(), log, out);
    }

    /**
     * As above; {@code toolDescriptions} (standard tool name → description, see {@link #toolDescriptions}) fills
     * the task description of converted answers, which do not carry it.
     */
    public static Stats forEach(Path input, String method, Map<String, String> toolDescriptions, RecordLog log,
                                Consumer<ToolLlamaExample> out) {
        Stats stats = new Stats();
        if (!Files.exists(input)) throw new BadInputException(input + ": no such file or folder");
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.walk(input)) {
                files = s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".json") || p.toString().endsWith(".jsonl")))
                        .sorted().toList();
            } catch (IOException e) {
                throw new BadInputException(input + ": cannot list: " + e.getMessage(), e);
            }
            if (files.isEmpty()) throw new BadInputException(input + ": no .json or .jsonl files");
        } else {
            files = List.of(input);
        }
        for (Path f : files) readFile(f, method, toolDescriptions, log, out, stats);
        return stats;
    }

    /**
     * Tool descriptions from a {@code toolenv/tools} folder ({@code <Category>/<tool>.json}), keyed by the
     * standardized tool_name as ToolBench's white list is.
     */
    public static Map<String, String> toolDescriptions(Path toolsDir) {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(toolsDir, 2)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList()) {
                ToolJson t = DataFiles.readToolJson(p);
                out.put(ToolNames.standardize(t.toolName()), t.toolDescription());
            }
        } catch (IOException e) {
            throw new BadInputException(toolsDir + ": cannot list: " + e.getMessage(), e);
        }
        return out;
    }

    private enum Kind { TOOLLLAMA, RAW_ANSWER, CONVERTED, UNKNOWN }

    private static void readFile(Path f, String method, Map<String, String> toolDescriptions, RecordLog log, Consumer<ToolLlamaExample> out, Stats stats) {
        if (isSftRecords(f)) {
            throw new BadInputException(f + ": holds SFT records (input_ids/labels), which prepare writes and train takes"
                    + " with --data; prepare reads raw answers, ToolLLaMA json/jsonl or converted answers");
        }
        switch (kindOf(f)) {
            case TOOLLLAMA -> DataFiles.readToolLlama(f, log, out);
            case RAW_ANSWER -> {
                if (method != null && !f.getFileName().toString().contains(method)) {
                    stats.rawFilteredByMethod++;
                    return;
                }
                log.read();
                RawAnswer a;
                try {
                    a = DataFiles.readRawAnswer(f);
                } catch (BadInputException e) {
                    log.skip(e.getMessage());
                    return;
                }
                stats.rawFiles++;
                if (!a.validData()) stats.rawNotValid++;
                ToolLlamaConverter.fromRawAnswer(a).forEach(out);
            }
            case CONVERTED -> DataFiles.readConvertedAnswers(f, log, answer -> {
                stats.convertedAnswers++;
                ToolLlamaConverter.Converted c;
                try {
                    c = ToolLlamaConverter.fromConvertedAnswer(answer, toolDescriptions);
                } catch (IllegalArgumentException e) {
                    log.skip(f + " query " + answer.queryId() + ": unreadable tool message (" + e.getMessage() + ")");
                    return;
                }
                if (!c.finished()) stats.convertedUnfinished++;
                stats.truncatedTargets += c.truncatedTargets();
                stats.cutHistories += c.cutHistories();
                c.examples().forEach(out);
            });
            case UNKNOWN -> {
                log.read();
                log.skip(f.toString(), -1, "not a raw answer, ToolLLaMA or converted answer file (bad or empty JSON)");
            }
        }
    }

    /** Whether the file's first record is a prepared SFT record (has input_ids): JSON Lines or a JSON array. */
    private static boolean isSftRecords(Path f) {
        try (JsonParser p = Json.MAPPER.createParser(f.toFile())) {
            JsonToken t = p.nextToken();
            boolean jsonl = f.getFileName().toString().endsWith(".jsonl");
            if (!jsonl && t == JsonToken.START_ARRAY) t = p.nextToken();
            else if (!jsonl) return false;
            if (t != JsonToken.START_OBJECT) return false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals("input_ids")) return true;
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static Kind kindOf(Path f) {
        if (f.getFileName().toString().endsWith(".jsonl")) return Kind.TOOLLLAMA;
        try (JsonParser p = Json.MAPPER.createParser(f.toFile())) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) return Kind.TOOLLLAMA;
            if (t != JsonToken.START_OBJECT) return Kind.UNKNOWN;
            if (p.nextToken() != JsonToken.FIELD_NAME) return Kind.UNKNOWN;
            return RAW_ANSWER_KEYS.contains(p.currentName()) ? Kind.RAW_ANSWER : Kind.CONVERTED;
        } catch (IOException e) {
            return Kind.UNKNOWN;
        }
    }
}
