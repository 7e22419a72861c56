package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code eval} on corrupt answer files never reports a silent 0.0 %: a converted group file that is truncated,
 * wrong-shaped or not UTF-8 is refused (exit 2, naming the file and the problem); a corrupt raw answer file among
 * good ones is a failed query with a warning naming it, counted in the summary.
 */
class EvalReliabilityTest {
    private static final byte[] NOT_UTF8 = {'{', '"', 'q', '"', ':', ' ', '"', (byte) 0xC3, '(', '"', '}'};

    private static CliRun eval(Path answers, Path out) {
        return CliRun.of("eval", "--answers", answers.toString(), "--output", out.toString(), "--evaluate-times", "1");
    }

    private static void assertRefused(Path dir, byte[] content, String problem) throws Exception {
        Path answers = dir.resolve("answers");
        Files.createDirectories(answers);
        Path f = answers.resolve("G1_instruction.json");
        Files.write(f, content);
        CliRun r = eval(answers, dir.resolve("out"));
        assertEquals(2, r.code(), r.out() + r.err());
        String first = r.err().lines().filter(l -> !l.contains(" WARN ")).findFirst().orElse("");
        assertTrue(first.contains(f.toString()) && first.contains(problem), first);
    }

    @Test
    void truncatedConvertedFileIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(dir, "{\"1\": {\"query\": \"q\", \"available_tools\": [".getBytes(), "truncated JSON");
    }

    @Test
    void wrongShapedConvertedFileIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(dir, "[1, 2, 3]".getBytes(), "expected a JSON object of answers keyed by query id, found array");
    }

    @Test
    void emptyConvertedFileIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(dir, new byte[0], "found nothing");
    }

    @Test
    void nonUtf8ConvertedFileIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(dir, NOT_UTF8, "not UTF-8 text");
    }

    @Test
    void corruptRawFilesAreFailedQueriesWithWarnings(@TempDir Path dir) throws Exception {
        Path example = Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_cot/G1_instruction");
        Path answers = dir.resolve("G1_instruction");
        Files.createDirectories(answers);
        Files.copy(example.resolve("588_CoT@1.json"), answers.resolve("588_CoT@1.json"));
        byte[] good = Files.readAllBytes(example.resolve("608_CoT@1.json"));
        Files.write(answers.resolve("608_CoT@1.json"), Arrays.copyOf(good, good.length / 2));
        Files.write(answers.resolve("1073_CoT@1.json"), NOT_UTF8);
        Files.writeString(answers.resolve("77_CoT@1.json"), "[\"not an answer\"]");
        CliRun r = eval(answers, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: " + answers.resolve("608_CoT@1.json") + ": truncated JSON"), r.err());
        assertTrue(r.err().contains("warning: " + answers.resolve("1073_CoT@1.json") + ": not UTF-8 text"), r.err());
        assertTrue(r.err().contains("warning: " + answers.resolve("77_CoT@1.json")), r.err());
        assertTrue(r.out().contains("3 unreadable answer files, counted as failed"), r.out());
        // ToolEval's pass file lists all four queries, the unreadable ones failed with the problem as the reason
        JsonNode pass = Json.MAPPER.readTree(dir.resolve("out/pass_rate/G1_instruction/G1_instruction_G1_instruction.json").toFile());
        assertEquals(4, pass.size(), pass.toString());
        for (String id : new String[]{"608", "1073", "77"}) {
            assertTrue(pass.path(id).path("reason").asText().startsWith(answers.resolve(id + "_CoT@1.json").toString()), id);
        }
    }

    @Test
    void malformedTestIdsFileIsRefused(@TempDir Path dir) throws Exception {
        Path answers = dir.resolve("G1_instruction");
        Files.createDirectories(answers);
        Files.copy(Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_cot/G1_instruction/588_CoT@1.json"),
                answers.resolve("588_CoT@1.json"));
        Path ids = Files.createDirectories(dir.resolve("ids"));
        Files.writeString(ids.resolve("G1_instruction.json"), "{\"588\": ");
        CliRun r = CliRun.of("eval", "--answers", answers.toString(), "--output", dir.resolve("out").toString(),
                "--test-ids", ids.toString(), "--evaluate-times", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tooltune: " + ids.resolve("G1_instruction.json") + ": not a readable query-id file, truncated JSON"), r.err());
    }
}
