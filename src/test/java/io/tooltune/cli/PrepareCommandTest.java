package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.ToolLlamaExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepareCommandTest {
    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void rawAnswersBecomeFiftyTokenizedRecords() throws Exception {
        Path out = tmp.resolve("sft.jsonl");
        CliRun r = run("prepare", "--input", Shared.path("data/toolbench/answer").toString(), "--model",
                Shared.path("fixtures/opt/tokenizer").toString(), "--output", out.toString(), "--max-length", "1024");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("records read 15, written 50, skipped 0"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(50, lines.size());
        for (String line : lines) {
            JsonNode n = Json.MAPPER.readTree(line);
            assertEquals(n.get("input_ids").size(), n.get("labels").size());
            assertTrue(n.get("input_ids").size() <= 1024);
            assertEquals(2, n.get("labels").get(n.get("labels").size() - 1).asInt()); // ends with </s>, labelled
        }
    }

    @Test
    void convertedAnswersGiveTrainingData() throws Exception {
        Path out = tmp.resolve("conv.json");
        CliRun r = run("prepare", "--input", Shared.path("data/toolbench/tooleval_default_evalset").toString(),
                "--format", "conversations", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("converted answers: 600, 224 never reach Finish"), r.out());
        List<ToolLlamaExample> got = DataFiles.readToolLlama(out);
        assertEquals(932, got.size());
        for (ToolLlamaExample e : got) {
            var last = e.conversations().get(e.conversations().size() - 1);
            assertEquals("assistant", last.from());
            assertTrue(last.value().startsWith("\nThought: ") && last.value().contains("\nAction Input: "), e.id());
        }
    }

    @Test
    void convertedCoTAnswersMatchTheirRawAnswers() throws Exception {
        // StableToolBench's CoT runs, raw and converted, give the same instances; converted answers lack the tool
        // descriptions, so they come from a toolenv/tools folder (written here from the raw system prompts)
        Path stb = Shared.path("data/stabletoolbench/data_example");
        Path a = tmp.resolve("raw.json"), b = tmp.resolve("converted.json"), tools = tmp.resolve("tools");
        assertEquals(0, run("prepare", "--input", stb.resolve("answer/virtual_chatgpt_cot").toString(), "--method", "CoT@1",
                "--format", "conversations", "--output", a.toString()).code());
        List<ToolLlamaExample> raw = DataFiles.readToolLlama(a);
        assertEquals(6, raw.size());
        Matcher m = Pattern.compile("(?m)^\\d+\\.([a-z0-9_]+): (.*)$").matcher(
                raw.stream().map(x -> x.conversations().get(0).value()).collect(Collectors.joining("\n")));
        while (m.find()) {
            ObjectNode tool = Json.MAPPER.createObjectNode().put("tool_name", m.group(1)).put("tool_description", m.group(2));
            tool.putArray("api_list");
            DataFiles.writeSingle(tools.resolve("Cat").resolve(m.group(1) + ".json"), tool);
        }
        CliRun r = run("prepare", "--input", stb.resolve("model_predictions_converted/virtual_chatgpt_cot").toString(),
                "--tools", tools.toString(), "--format", "conversations", "--output", b.toString());
        assertEquals(0, r.code(), r.err());
        List<ToolLlamaExample> conv = DataFiles.readToolLlama(b);
        assertEquals(raw.stream().map(ToolLlamaExample::id).sorted().toList(), conv.stream().map(ToolLlamaExample::id).sorted().toList());
        for (ToolLlamaExample x : raw) {
            ToolLlamaExample y = conv.stream().filter(c -> c.id().equals(x.id())).findFirst().orElseThrow();
            assertEquals(x.conversations(), y.conversations());
        }
    }

    @Test
    void malformedRecordsAreReportedCountedAndSkipped() throws Exception {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\":\"ok\",\"conversations\":[{\"from\":\"user\",\"value\":\"u\"},{\"from\":\"assistant\",\"value\":\"a\"}]}",
                "{\"id\":\"broken\",\"conversations\":[",
                "{\"id\":\"noconv\"}",
                "{\"id\":5,\"conversations\":[{\"from\":\"user\",\"value\":\"u\"}]}",
                "{\"id\":\"role\",\"conversations\":[{\"from\":\"robot\",\"value\":\"u\"},{\"from\":\"assistant\",\"value\":\"a\"}]}",
                "{\"id\":\"ends-user\",\"conversations\":[{\"from\":\"assistant\",\"value\":\"a\"},{\"from\":\"user\",\"value\":\"u\"}]}"));
        String model = Shared.path("fixtures/opt/tokenizer").toString();
        Path out = tmp.resolve("o.jsonl");
        CliRun r = run("prepare", "--input", in.toString(), "--model", model, "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(in + " record 1: bad JSON"), r.err());
        assertTrue(r.err().contains("skipped " + in + " record 2: missing field \"conversations\""), r.err());
        assertTrue(r.err().contains("skipped " + in + " record 3: field \"id\" is NUMBER, not a string"), r.err());
        assertTrue(r.err().contains("unknown role \"robot\""), r.err());
        assertTrue(r.err().contains("not an assistant reply"), r.err());
        assertTrue(r.out().contains("records read 6, written 1, skipped 5"), r.out());
        assertEquals(1, Files.readAllLines(out).size());

        CliRun strict = run("prepare", "--input", in.toString(), "--model", model, "--output", out.toString(), "--strict");
        assertEquals(2, strict.code());
        assertTrue(strict.err().startsWith("tooltune: " + in + " record 1: bad JSON"), strict.err());
    }
}
