package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceInputsTest {

    @Test
    void namesEverythingThatIsMissingAtOnce(@TempDir Path tmp) throws Exception {
        Path tb = Files.createDirectories(tmp.resolve("toolbench"));
        Path model = Files.createDirectories(tmp.resolve("model"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> ReproduceInputs.check(tb, model, "ftp://x", ReproduceInputs.GROUPS));
        String m = e.getMessage();
        assertTrue(m.contains("no training data"), m);
        for (String g : ReproduceInputs.GROUPS) assertTrue(m.contains("missing test queries of " + g), m);
        assertTrue(m.contains("no tool JSONs"), m);
        assertTrue(m.contains("config.json: missing"), m);
        assertTrue(m.contains("no weights"), m);
        assertTrue(m.contains("no tokenizer"), m);
        assertTrue(m.contains("--judge-url: 'ftp://x' is not an http(s) URL"), m);
        assertTrue(m.contains("12 problem(s)"), m);
    }

    @Test
    void acceptsToolBenchLayout(@TempDir Path tmp) throws Exception {
        Path tb = tmp.resolve("toolbench");
        Files.createDirectories(tb.resolve("answer/G1_answer"));
        Files.writeString(tb.resolve("answer/G1_answer/1_ChatGPT_DFS_woFilter_w2.json"), "{}");
        Files.createDirectories(tb.resolve("solvable_queries/test_instruction"));
        Files.writeString(tb.resolve("solvable_queries/test_instruction/G1_tool.json"), "[]");
        Files.createDirectories(tb.resolve("toolenv/tools/Data"));
        Files.writeString(tb.resolve("toolenv/tools/Data/x.json"), "{}");
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Files.writeString(model.resolve("model.safetensors"), "");
        Files.writeString(model.resolve("vocab.json"), "{}");
        Files.writeString(model.resolve("merges.txt"), "");
        ReproduceInputs in = ReproduceInputs.check(tb, model, "http://127.0.0.1:9/v1", List.of("G1_tool"));
        assertEquals(tb.resolve("answer"), in.trainingData());
        assertEquals(tb.resolve("solvable_queries/test_instruction/G1_tool.json"), in.queryFiles().get("G1_tool"));
        assertEquals(tb.resolve("toolenv/tools"), in.toolsDir());
    }
}
