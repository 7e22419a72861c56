package io.tooltune.data.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Progress;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of a JSON file one at a time, so memory is bounded by the largest record, not the file:
 * the elements of a top-level array, the values of a top-level object (with their keys: converted answers,
 * query-id files), a single non-container value, or the lines of JSON Lines ({@code .jsonl}).
 * Each record is parsed into a tree; turning trees into typed records (and reporting bad ones) is the caller's.
 */
public final class JsonRecords {
    private static final long PROGRESS_MIN_MB = 64;

    private JsonRecords() {}

    /** One record: its 0-based index in the file, its key (top-level objects only) and its JSON. */
    public record Item(long index, String key, JsonNode node) {}

    @FunctionalInterface
    public interface Sink {
        void accept(Item item);
    }

    /**
     * Calls {@code sink} for each record. Bad JSON in a JSON Lines file skips that line; in a JSON document the
     * rest of the file cannot be re-synchronised, so it is reported once and reading that file stops.
     */
    public static void forEach(Path file, RecordLog log, Sink sink) {
        if (file.getFileName().toString().endsWith(".jsonl")) {
            forEachLine(file, log, sink);
            return;
        }
        long index = 0;
        long mb = file.toFile().length() >> 20;
        // a live progress line only for big files (the real ToolLLaMA training file is ~2 GB)
        try (JsonParser p = Json.MAPPER.createParser(file.toFile());
             Progress progress = mb >= PROGRESS_MIN_MB ? Progress.start("reading " + file.getFileName() + " (MB)", mb) : null) {
            JsonToken t = p.nextToken();
            if (t == null) throw new BadInputException(file + ": empty file");
            if (t == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    JsonNode n = p.readValueAsTree();
                    log.read();
                    sink.accept(new Item(index++, null, n));
                    if (progress != null && (index & 255) == 0) progress.stepTo(p.currentLocation().getByteOffset() >> 20);
                }
            } else if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    JsonNode n = p.readValueAsTree();
                    log.read();
                    sink.accept(new Item(index++, key, n));
                    if (progress != null && (index & 255) == 0) progress.stepTo(p.currentLocation().getByteOffset() >> 20);
                }
            } else {
                throw new BadInputException(file + ": expected a JSON array or object, found " + t);
            }
            if (progress != null) progress.stepTo(mb);
        } catch (JsonProcessingException e) {
            log.read();
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            log.skip(file.toString(), index, "bad JSON" + at + " (" + e.getOriginalMessage() + "); rest of file not readable");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void forEachLine(Path file, RecordLog log, Sink sink) {
        long lineNumber = 0;
        // lines are split on raw bytes (ISO-8859-1 maps each byte to one char; UTF-8 never has 0x0A inside a
        // character) and each is decoded strictly, so that a byte that is not UTF-8 is reported with its line
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String raw;
            long index = 0;
            while ((raw = r.readLine()) != null) {
                lineNumber++;
                String line = utf8.decode(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1))).toString();
                if (line.isBlank()) continue;
                log.read();
                long i = index++;
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    log.skip(file.toString(), i, "bad JSON (" + e.getOriginalMessage() + ")");
                    continue;
                }
                sink.accept(new Item(i, null, n));
            }
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + " line " + lineNumber + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
