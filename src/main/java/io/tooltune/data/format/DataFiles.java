package io.tooltune.data.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.python.PythonJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Readers and writers for every ToolBench file format. The {@code read*} methods that take a {@link RecordLog}
 * stream and skip (report, count) malformed records; the others load a whole small file and throw
 * {@link BadInputException} on any problem.
 */
public final class DataFiles {
    private DataFiles() {}

    /** Test/training query file: a JSON array of queries. */
    public static void readQueries(Path file, RecordLog log, Consumer<Query> out) {
        readRecords(file, log, Query::of, out);
    }

    public static List<Query> readQueries(Path file) {
        return readAll(file, DataFiles::readQueries);
    }

    public static void writeQueries(Path file, Collection<Query> queries) {
        try (JsonArrayWriter w = new JsonArrayWriter(file)) {
            for (Query q : queries) w.write(q.json());
        }
    }

    /** Query-id file {@code {"<query_id>": 0, ...}}: only the keys matter. */
    public static List<String> readQueryIds(Path file) {
        List<String> ids = new ArrayList<>();
        JsonNode n = readSingle(file);
        if (!n.isObject()) throw new BadInputException(file + ": query-id file is not a JSON object");
        n.fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    public static void writeQueryIds(Path file, Collection<String> ids) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (String id : ids) o.put(id, 0);
        writeSingle(file, o);
    }

    /** One raw answer file ({@code *_DFS_woFilter_w2.json}, {@code *_CoT@1.json}). */
    public static RawAnswer readRawAnswer(Path file) {
        return RawAnswer.of(readSingle(file), file.toString());
    }

    public static void writeRawAnswer(Path file, RawAnswer answer) {
        writeSingle(file, answer.json());
    }

    /** A tool JSON {@code toolenv/tools/<Category>/<tool>.json}. */
    public static ToolJson readToolJson(Path file) {
        return ToolJson.of(readSingle(file), file.toString());
    }

    public static void writeToolJson(Path file, ToolJson tool) {
        writeSingle(file, tool.json());
    }

    /** ToolLLaMA training file (JSON array, or JSON Lines when named .jsonl), streamed. */
    public static void readToolLlama(Path file, RecordLog log, Consumer<ToolLlamaExample> out) {
        readRecords(file, log, ToolLlamaExample::of, out);
    }

    public static List<ToolLlamaExample> readToolLlama(Path file) {
        return readAll(file, DataFiles::readToolLlama);
    }

    public static void writeToolLlama(Path file, Collection<ToolLlamaExample> examples) {
        try (JsonArrayWriter w = new JsonArrayWriter(file)) {
            for (ToolLlamaExample e : examples) w.write(e.toJson());
        }
    }

    /** Converted ToolEval answer file: a JSON object keyed by query id, streamed entry by entry. */
    public static void readConvertedAnswers(Path file, RecordLog log, Consumer<ConvertedAnswer> out) {
        JsonRecords.forEach(file, log, item -> {
            try {
                if (item.key() == null) throw new BadInputException(file + ": converted answers must be a JSON object keyed by query id");
                out.accept(ConvertedAnswer.of(item.key(), item.node(), file + " record " + item.index() + " (\"" + item.key() + "\")"));
            } catch (BadInputException e) {
                log.skip(e.getMessage());
            }
        });
    }

    public static List<ConvertedAnswer> readConvertedAnswers(Path file) {
        return readAll(file, DataFiles::readConvertedAnswers);
    }

    public static void writeConvertedAnswers(Path file, Collection<ConvertedAnswer> answers) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (ConvertedAnswer a : answers) o.set(a.queryId(), a.json());
        writeSingle(file, o);
    }

    /** Streams a file's records through {@code parse}, reporting (and counting) those it rejects. */
    private static <T> void readRecords(Path file, RecordLog log, BiFunction<JsonNode, String, T> parse, Consumer<T> out) {
        JsonRecords.forEach(file, log, item -> {
            T record;
            try {
                record = parse.apply(item.node(), file + " record " + item.index());
            } catch (BadInputException e) {
                log.skip(e.getMessage());
                return;
            }
            out.accept(record);
        });
    }

    private interface Reader<T> {
        void read(Path file, RecordLog log, Consumer<T> out);
    }

    /** Reads a whole (small) file, failing on the first bad record. */
    private static <T> List<T> readAll(Path file, Reader<T> reader) {
        List<T> out = new ArrayList<>();
        reader.read(file, new RecordLog(true, null), out::add);
        return out;
    }

    public static JsonNode readSingle(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": bad JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static void writeSingle(Path file, JsonNode node) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            PythonJson.writer(4).writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
