package io.tooltune.data.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.python.PythonJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes records one at a time as a top-level JSON array (laid out as Python's {@code json.dump(indent=4)}) or as
 * JSON Lines, in bounded memory.
 */
public final class JsonArrayWriter implements AutoCloseable {
    private final JsonGenerator gen;
    private final boolean lines;
    private final Path file;

    /** JSON Lines when the file name ends in .jsonl, else a JSON array. */
    public JsonArrayWriter(Path file) {
        this(file, file.getFileName().toString().endsWith(".jsonl"));
    }

    public JsonArrayWriter(Path file, boolean lines) {
        this.file = file;
        this.lines = lines;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            gen = Json.MAPPER.createGenerator(Files.newOutputStream(file));
            if (lines) {
                gen.setRootValueSeparator(new SerializedString("\n"));
            } else {
                gen.setPrettyPrinter(PythonJson.prettyPrinter(4));
                gen.writeStartArray();
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    public void write(JsonNode record) {
        try {
            Json.MAPPER.writeTree(gen, record);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            // json.dump ends without a newline; JSON Lines end with one
            if (lines) gen.writeRaw('\n');
            else gen.writeEndArray();
            gen.close();
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
