package io.tooltune.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code checkpoint-STEP/} folders: a Hugging Face model folder plus optimizer.safetensors (AdamW moments) and
 * trainer_state.json. A checkpoint is assembled in a hidden temporary folder and renamed into place in one
 * atomic move, so a crash leaves either the whole checkpoint or none.
 */
public final class Checkpoints {
    static final String STATE = "trainer_state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    private Checkpoints() {}

    public static Path save(Path outputDir, TrainerState state, Consumer<Path> modelWriter, AdamW optimizer) {
        Path target = outputDir.resolve("checkpoint-" + state.globalStep());
        Path tmp = outputDir.resolve(".checkpoint-" + state.globalStep() + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            modelWriter.accept(tmp);
            try (OutputStream out = Files.newOutputStream(tmp.resolve(OPTIMIZER))) {
                optimizer.state().encode(out, NDList.Encoding.SAFETENSORS);
            }
            writeState(tmp.resolve(STATE), state);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** Writes a file through a temporary sibling and an atomic rename. */
    public static void writeAtomically(Path file, byte[] content) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void writeState(Path file, TrainerState state) {
        try {
            writeAtomically(file, Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The complete checkpoint with the highest step under {@code outputDir}, if any. */
    public static Optional<Path> latest(Path outputDir) {
        if (!Files.isDirectory(outputDir)) return Optional.empty();
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)) && Files.isRegularFile(p.resolve(OPTIMIZER)))
                    .max(Comparator.comparingLong(Checkpoints::step));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long step(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    public static TrainerState readState(Path checkpoint) {
        Path f = checkpoint.resolve(STATE);
        try {
            return Json.MAPPER.readValue(f.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new BadInputException(f + ": unreadable trainer state: " + e.getMessage());
        }
    }

    static void loadOptimizer(Path checkpoint, AdamW optimizer, NDManager manager, long steps) {
        Path f = checkpoint.resolve(OPTIMIZER);
        try (NDManager tmp = manager.newSubManager()) {
            NDList saved;
            try {
                saved = NDList.decode(tmp, Files.readAllBytes(f));
            } catch (IOException | RuntimeException e) {
                // a truncated file fails inside the decoder with a message that names neither the file nor the cause
                throw new BadInputException(f + ": unreadable optimizer state, truncated or corrupt (" + e.getMessage()
                        + "); remove " + checkpoint.getFileName() + " to resume from the checkpoint before it");
            }
            optimizer.load(saved, steps);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
