package io.tooltune.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ChatRequest;
import io.tooltune.chat.ChatTemplate;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.ParsedReply;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.cli.CliRun;
import io.tooltune.data.TrajectoryData;
import io.tooltune.data.format.TestGroup;
import io.tooltune.data.synth.SynthGold;
import io.tooltune.eval.AnswerConverter;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tooltune demo --family qwen2}: the chat-template family's side of the demo at a tiny scale. */
class ChatDemoTest {

    /** One query per group, a one-layer 32-wide Qwen2 over a 400-entry BPE, three training steps. */
    private static Demo.Options tiny(Path output) {
        return new Demo.Options(3, Demo.Options.DEFAULT_MINUTES, output, 7, 6, 12, 1, 200, 400, null, 2, 1e-3, 2,
                TrajectoryData.PromptLoss.ALL, 2, 2, 12, false, new ChatDemo.Shape("qwen2", 1, 32, 2, 1, 64, 4096, 10000));
    }

    /**
     * The run completes through prepare's chat path and run's chat-template path: both models' answers are files
     * the ToolEval converter accepts, the summary has both rows with the right-function counts over all gold calls,
     * and the untrained folder is a Qwen2 checkpoint with Qwen2.5's template whose tokenizer round-trips a tool call.
     */
    @Test
    void qwen2DemoRunsThroughTheChatTemplatePath(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("demo");
        Demo.Outcome o = Demo.run(tiny(out));
        assertTrue(Files.isRegularFile(o.report()));
        assertTrue(o.notes().stream().anyMatch(n -> n.contains(": 3 steps")), o.notes().toString());

        int goldCalls = 0;
        for (String g : TestGroup.NAMES) goldCalls += SynthGold.read(out.resolve("toolbench/gold/" + g + ".json")).stream().mapToInt(x -> x.calls().size()).sum();
        assertEquals("gold calls with the right function", o.summary().header().get(o.summary().header().size() - 1));
        assertEquals(List.of("untrained", "fine-tuned"), o.summary().rows().stream().map(r -> r.get(0)).toList());
        for (List<String> row : o.summary().rows()) {
            String right = row.get(row.size() - 1);
            assertTrue(right.matches("\\d+/" + goldCalls), right);
        }
        assertTrue(Files.readString(o.report()).contains("gold calls with the right function"));

        AnswerConverter converter = new AnswerConverter(42);
        for (String model : List.of("untrained", "fine-tuned")) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(out.resolve("answers").resolve(model))) {
                files = s.filter(p -> p.toString().endsWith(".json")).toList();
            }
            assertEquals(6, files.size(), model);
            for (Path f : files) {
                JsonNode raw = Json.MAPPER.readTree(f.toFile());
                assertTrue(converter.convert(raw, "CoT@1", f.getFileName().toString()).isObject(), f.toString());
            }
        }

        Path untrained = out.resolve("models/untrained");
        JsonNode config = Json.MAPPER.readTree(untrained.resolve("config.json").toFile());
        assertEquals("qwen2", config.get("model_type").asText());
        JsonNode tokenizerJson = Json.MAPPER.readTree(untrained.resolve("tokenizer.json").toFile());
        assertEquals(tokenizerJson.at("/model/vocab").size() + ChatDemo.SPECIAL_TOKENS.size(), config.get("vocab_size").asInt(),
                "the BPE's entries, then Qwen2.5's special tokens");
        ModelChatTemplates templates = ModelChatTemplates.load(untrained, Clock.systemUTC());
        ChatTemplate template = templates.select(true);
        assertEquals(ChatDemo.template(), template.source());
        assertEquals("<|im_end|>", templates.specialTokens().get("eos_token"));
        assertToolCallRoundTrips(untrained, template);
        try (LoadedModel loaded = ModelFolder.load(untrained)) {
            assertEquals(List.of(config.get("eos_token_id").asInt()), loaded.model().config().eosTokenIds());
        }
    }

    /** An assistant tool call rendered by the template tokenizes with the tags as single tokens, decodes to the same text and parses back. */
    private static void assertToolCallRoundTrips(Path modelDir, ChatTemplate template) throws Exception {
        ObjectNode request = (ObjectNode) Json.MAPPER.readTree("""
                {"messages": [{"role": "user", "content": "Most popular track of The Amber Sun?"},
                  {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "artist_top_track_for_nextranu_connect", "arguments": "{\\"band\\": \\"The Amber Sun\\"}"}}]}],
                 "tools": [{"type": "function", "function": {"name": "artist_top_track_for_nextranu_connect",
                    "description": "Most popular track", "parameters": {"type": "object", "properties": {"band": {"type": "string"}}}}}]}
                """);
        String rendered = template.render(ChatRequest.fromJson(request, "test"));
        String open = "<|im_start|>assistant\n";
        String reply = rendered.substring(rendered.lastIndexOf(open) + open.length(), rendered.lastIndexOf("<|im_end|>"));
        try (Tokenizer tok = Tokenizer.load(modelDir)) {
            long[] ids = tok.encode(rendered, false);
            assertEquals(rendered, tok.decode(ids, false));
            long[] tag = tok.encode("<tool_call>", false);
            assertEquals(1, tag.length, "<tool_call> is one added token");
            assertTrue(Arrays.stream(ids).anyMatch(i -> i == tag[0]));
        }
        ParsedReply parsed = ToolCallFormat.HERMES.parser(new Random(1)).parse(reply);
        assertFalse(parsed.failed(), reply);
        assertEquals("artist_top_track_for_nextranu_connect", parsed.toolCalls().get(0).name());
        assertEquals("The Amber Sun", Json.MAPPER.readTree(parsed.toolCalls().get(0).arguments()).get("band").asText());
    }

    /** The demo's copy of the template is Qwen2.5-Instruct's own (the fixture's copy), byte for byte. */
    @Test
    void templateIsQwen25InstructsOwn() throws Exception {
        Path fixture = Shared.path("fixtures/llama/chat_templates/templates/Qwen-Qwen2.5-7B-Instruct.jinja");
        assertEquals(Files.readString(fixture), ChatDemo.template());
    }

    @Test
    void unknownFamilyIsBadInputNamingTheSupportedOnes(@TempDir Path tmp) {
        BadInputException e = assertThrows(BadInputException.class, () -> Demo.Options.steps("llama7", 10, tmp, 42));
        assertEquals("--family: 'llama7' is not supported (supported: opt, qwen2)", e.getMessage());
        CliRun run = CliRun.of("demo", "--family", "llama7", "--output", tmp.resolve("out").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("--family: 'llama7' is not supported (supported: opt, qwen2)"), run.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    /** Each family has its own default step count; steps given explicitly are honoured, whatever their value. */
    @Test
    void stepsDefaultPerFamilyAndExplicitStepsAreKept(@TempDir Path tmp) {
        assertEquals(Demo.Options.QWEN2_STEPS, Demo.Options.steps("qwen2", null, tmp, 42).trainSteps());
        assertEquals(Demo.Options.DEFAULT_STEPS, Demo.Options.steps("opt", null, tmp, 42).trainSteps());
        assertEquals(Demo.Options.DEFAULT_STEPS, Demo.Options.steps("qwen2", Demo.Options.DEFAULT_STEPS, tmp, 42).trainSteps());
    }
}
