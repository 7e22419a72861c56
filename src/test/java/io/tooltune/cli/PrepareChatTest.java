package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code prepare --format chat --model DIR}, and {@code train} on what it writes, with tiny-qwen2. */
class PrepareChatTest {
    @TempDir
    Path tmp;

    static final long IM_END = 50258; // tiny-qwen2's <|im_end|>, its EOS

    @Test
    void toolBenchRawAnswersThroughQwensTemplate() throws Exception {
        Path out = tmp.resolve("chat.jsonl");
        CliRun r = CliRun.of("prepare", "--format", "chat", "--input", Shared.path("data/toolbench/answer").toString(), "--model",
                Shared.path("fixtures/llama/tiny-qwen2").toString(), "--output", out.toString(), "--max-length", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("instances: 50 (loss on every assistant turn)"), r.out());
        assertTrue(r.out().contains("records read 15, written 50, skipped 0"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(50, lines.size());
        for (String line : lines) {
            JsonNode n = Json.MAPPER.readTree(line);
            JsonNode ids = n.get("input_ids"), labels = n.get("labels");
            assertEquals(ids.size(), labels.size());
            int lastLabelled = -1;
            for (int i = 0; i < labels.size(); i++) if (labels.get(i).asLong() != -100) lastLabelled = i;
            assertEquals(IM_END, labels.get(lastLabelled).asLong(), n.get("id").asText());
            assertEquals(-100, labels.get(labels.size() - 1).asLong(), "the newline after the last turn is not learned");
        }
    }

    @Test
    void openAiJsonLinesPrepareAndTrain() throws Exception {
        Path in = Files.writeString(tmp.resolve("conv.jsonl"), String.join("\n",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
                        + "[{\"id\": \"a\", \"type\": \"function\", \"function\": {\"name\": \"w\", \"arguments\": \"{}\"}}]}], "
                        + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"w\", \"description\": \"weather\"}}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"no answer\"}]}") + "\n");
        Path out = tmp.resolve("chat.jsonl");
        CliRun r = CliRun.of("prepare", "--format", "chat", "--input", in.toString(), "--model",
                Shared.path("fixtures/llama/tiny-qwen2").toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("read 3, written 2, skipped 1"), r.out());
        assertTrue(r.err().contains("line 3: no assistant turn"), r.err());

        CliRun t = CliRun.of("train", "--model", Shared.path("fixtures/llama/tiny-qwen2").toString(), "--data", out.toString(),
                "--output", tmp.resolve("trained").toString(), "--max-steps", "2", "--batch-size", "1", "--gradient-accumulation-steps", "1",
                "--precision", "fp32");
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(tmp.resolve("trained/config.json")), t.out());
    }

    @Test
    void aModelWithoutATemplateIsABadInput() throws Exception {
        Path in = Files.writeString(tmp.resolve("conv.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}\n");
        CliRun r = CliRun.of("prepare", "--format", "chat", "--input", in.toString(), "--model",
                Shared.path("fixtures/opt/tiny-opt-prenorm").toString(), "--output", tmp.resolve("o.jsonl").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--format chat needs a model with a chat template"), r.err());
    }
}
