package io.tooltune.cli;

import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code train} on inputs that used to crash or be ignored: examples longer than the model's position table
 * (128 in the OPT fixtures) are truncated with a warning and a count, or refused with --on-overlong error;
 * --resume with another --model is refused naming both; a truncated optimizer state is refused naming the file.
 */
class TrainReliabilityTest {
    @TempDir
    Path tmp;

    private static String example(String id, int tokens) {
        String ids = IntStream.range(0, tokens).mapToObj(i -> String.valueOf(500 + i % 300)).collect(Collectors.joining(","));
        return "{\"id\":\"" + id + "\",\"input_ids\":[" + ids + "],\"labels\":[" + ids + "]}";
    }

    private CliRun train(Path data, Path model, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--data", data.toString(),
                "--output", tmp.resolve("out").toString(), "--batch-size", "1", "--gradient-accumulation-steps", "1", "--precision", "fp32",
                "--no-gradient-checkpointing", "--logging-steps", "1", "--warmup-steps", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void examplesLongerThanTheContextAreTruncatedWithACount() throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"), List.of(example("long", 200), example("short", 20)));
        CliRun r = train(data, Shared.path("fixtures/opt/tiny-opt-prenorm"), "--max-steps", "2", "--max-length", "2048");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained 2 steps on 2 examples (1 truncated)"), r.out());
        assertTrue(r.err().contains("warning: 1 of 2 examples were longer than 128 tokens (--max-length 2048, the model's context 128)"), r.err());
    }

    @Test
    void overlongExamplesAreRefusedWhenAsked() throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"), List.of(example("short", 20), example("long", 200)));
        CliRun r = train(data, Shared.path("fixtures/opt/tiny-opt-prenorm"), "--max-steps", "1", "--on-overlong", "error");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tooltune: " + data + ": example long has 200 tokens, more than the model's context of 128"), r.err());
        assertFalse(Files.exists(tmp.resolve("out/checkpoint-1")));
    }

    @Test
    void resumeRefusesAnotherModelAndATruncatedOptimizerState() throws Exception {
        Path data = Files.write(tmp.resolve("d.jsonl"), List.of(example("a", 20), example("b", 30)));
        Path pre = Shared.path("fixtures/opt/tiny-opt-prenorm"), post = Shared.path("fixtures/opt/tiny-opt-postnorm");
        CliRun first = train(data, pre, "--max-steps", "1", "--save-steps", "1");
        assertEquals(0, first.code(), first.err());

        CliRun other = train(data, post, "--max-steps", "2", "--resume");
        assertEquals(2, other.code(), other.err());
        String line = other.err().lines().filter(l -> l.startsWith("tooltune: ")).findFirst().orElse("");
        assertTrue(line.contains("trained from " + pre.toAbsolutePath().normalize()) && line.contains("not from --model "
                + post.toAbsolutePath().normalize()), line);

        Path optimizer = tmp.resolve("out/checkpoint-1/optimizer.safetensors");
        byte[] bytes = Files.readAllBytes(optimizer);
        Files.write(optimizer, Arrays.copyOf(bytes, bytes.length / 2));
        CliRun truncated = train(data, pre, "--max-steps", "2", "--resume");
        assertEquals(2, truncated.code(), truncated.err());
        line = truncated.err().lines().filter(l -> l.startsWith("tooltune: ")).findFirst().orElse("");
        assertTrue(line.startsWith("tooltune: " + optimizer + ": unreadable optimizer state, truncated or corrupt"), line);
    }
}
