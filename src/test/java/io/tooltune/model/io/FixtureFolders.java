package io.tooltune.model.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Writable copies of the Llama-family fixture folders, with edited JSON files. */
public final class FixtureFolders {
    private FixtureFolders() {}

    /** Copies every file of fixtures/llama/{@code fixture} into {@code target}. */
    public static Path copy(String fixture, Path target) throws IOException {
        Path src = Shared.path("fixtures/llama/" + fixture);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, target.resolve(f.getFileName()));
        }
        return target;
    }

    /** Rewrites the JSON object {@code file} of {@code dir} (config.json, generation_config.json). */
    public static void editJson(Path dir, String file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c = (ObjectNode) Json.MAPPER.readTree(dir.resolve(file).toFile());
        edit.accept(c);
        Json.MAPPER.writeValue(dir.resolve(file).toFile(), c);
    }

    public static void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        editJson(dir, "config.json", edit);
    }
}
