package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.agent.AgentRun;
import io.tooltune.backend.LocalChatTemplateBackend;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.TokenizerPrefix;
import io.tooltune.data.format.Query;
import io.tooltune.data.python.PythonJson;
import io.tooltune.eval.AnswerConverter;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.VirtualApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run --prompt-format chat-template}: the StableToolBench example queries through tiny-qwen2's chat template. */
class RunChatTemplateTest {
    static final Path MODEL = Path.of("fixtures/llama/tiny-qwen2");

    /**
     * The real fixture model (random weights: its replies are noise, so no query is answered) runs the three queries
     * end to end; the files pass ToolEval's conversion and list the recorded functions.
     */
    @Test
    void exampleQueriesRunWithTinyQwen2(@TempDir Path dir) throws Exception {
        Map<String, JsonNode> answers = RunCommandTest.recordedAnswers(Shared.path("data/stabletoolbench"));
        String summary = runExamples(dir, answers, "--max-new-tokens", "8");
        assertTrue(summary.contains("3 queries (0 already done): 0 answered, 0 gave up, 3 without answer, 0 errors"), summary);
        for (String id : RunCommandTest.IDS) {
            JsonNode mine = RunCommandTest.acceptedCotAnswer(dir.resolve("out"), id, answers);
            assertEquals(3, mine.at("/answer_generation/query_count").asInt(), id);
        }
    }

    /**
     * With {@code --constrain} the same random model's every reply is one native call of an offered function (Finish
     * included) with arguments valid for its parameters: no step names an unknown function or carries bad input.
     */
    @Test
    void constrainedRunMakesOnlyValidCalls(@TempDir Path dir) throws Exception {
        String summary = runExamples(dir, RunCommandTest.recordedAnswers(Shared.path("data/stabletoolbench")),
                "--constrain", "--max-new-tokens", "64");
        assertTrue(summary.contains("3 queries (0 already done)") && summary.contains(" 0 errors"), summary);
        Path out = dir.resolve("out");
        int calls = RunCommandTest.assertValidActions(out);
        assertTrue(calls >= 3, "every reply is a call: " + calls);
        for (String id : RunCommandTest.IDS) {
            JsonNode chain = Json.MAPPER.readTree(out.resolve(id + "_CoT@1.json").toFile()).at("/trys/0/chain");
            assertFalse(chain.toString().contains(LocalChatTemplateBackend.MALFORMED_CALL), id + ": " + chain);
        }
    }

    /** {@code run} of the three example queries, CoT with 3 iterations, through tiny-qwen2's template into dir/out. */
    private static String runExamples(Path dir, Map<String, JsonNode> answers, String... extra) throws Exception {
        Path stb = Shared.path("data/stabletoolbench");
        RunCommandTest.writeTools(dir.resolve("tools"), answers);
        List<String> args = new ArrayList<>(List.of("run", "--queries",
                stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json").toString(),
                "--model", Shared.path(MODEL.toString()).toString(), "--prompt-format", "chat-template", "--method", "cot",
                "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(), "--tools", dir.resolve("tools").toString(),
                "--output", dir.resolve("out").toString(), "--max-iterations", "3"));
        args.addAll(List.of(extra));
        return RunCommandTest.runCli(args.toArray(String[]::new));
    }

    private static final Pattern FIRST_TOOL = Pattern.compile("\\{\"type\": \"function\", \"function\": \\{\"name\": \"([^\"]+)\"");

    /**
     * The same queries with scripted model text in Qwen's tool-call syntax: call the first offered function, then
     * Finish with an answer once a tool response is in the prompt. The prompts are Qwen2.5's rendering of the
     * recorded system and user messages with the recorded functions (Finish included) as tools.
     */
    @Test
    void nativeCallsDriveTheAgent(@TempDir Path dir) throws Exception {
        Path stb = Shared.path("data/stabletoolbench");
        Map<String, JsonNode> answers = RunCommandTest.recordedAnswers(stb);
        RunCommandTest.writeTools(dir.resolve("tools"), answers);
        Path modelDir = Shared.path(MODEL.toString());
        List<String> prompts = Collections.synchronizedList(new ArrayList<>());
        InferenceWorker worker = new InferenceWorker((batch, cancelled) -> {
            List<Completion> out = new ArrayList<>();
            for (InferenceRequest r : batch) {
                prompts.add(r.prompt());
                String text;
                if (r.prompt().contains("<tool_response>")) {
                    text = "<tool_call>\n{\"name\": \"Finish\", \"arguments\": {\"return_type\": \"give_answer\", \"final_answer\": \"done\"}}\n</tool_call>";
                } else {
                    Matcher m = FIRST_TOOL.matcher(r.prompt());
                    assertTrue(m.find());
                    text = "I will call it.\n<tool_call>\n{\"name\": \"" + m.group(1) + "\", \"arguments\": {}}\n</tool_call>";
                }
                out.add(new Completion(text, 10, 5, false));
            }
            return out;
        }, 8, 20);
        List<Query> qs = AgentRun.readQueries(stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json"), System.err);
        ApiCatalog catalog = VirtualApis.catalog(dir.resolve("tools"), qs);
        try (LocalChatTemplateBackend b = new LocalChatTemplateBackend(worker, GenerationConfig.toolLlama(),
                ModelChatTemplates.load(modelDir, Clock.systemUTC()), new TokenizerPrefix(""))) {
            AgentRun.Summary s = AgentRun.run(qs, dir.resolve("out"), b, r -> "{\"error\": \"\", \"response\": \"sunny\"}",
                    catalog::toolDescription, AgentRun.Options.defaults(AgentRun.Method.COT), System.err);
            assertEquals(3, s.answered(), s.describe());
            assertEquals(0, s.errors());
        }
        for (String id : RunCommandTest.IDS) {
            JsonNode mine = Json.MAPPER.readTree(dir.resolve("out/" + id + "_CoT@1.json").toFile());
            assertEquals("{\"return_type\": \"give_answer\", \"final_answer\": \"done\"}", mine.at("/answer_generation/final_answer").asText(), id);
            JsonNode chain = mine.at("/trys/0/chain");
            assertEquals(List.of("Thought", "Action", "Action Input", "Action", "Action Input"),
                    chain.findValuesAsText("node_type"), id);
            assertEquals(mine.at("/answer_generation/function/0/name").asText(), chain.get(1).get("description").asText(), id);
            assertTrue(new AnswerConverter(42).convert(mine, "CoT@1", id).isObject(), id);

            JsonNode tm = answers.get(id).at("/answer_generation/train_messages");
            if (tm.isEmpty()) continue;
            StringBuilder expected = new StringBuilder("<|im_start|>system\n").append(tm.at("/0/0/content").asText())
                    .append("\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                            + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
            for (JsonNode fn : answers.get(id).at("/answer_generation/function")) {
                ObjectNode tool = Json.MAPPER.createObjectNode().put("type", "function");
                tool.set("function", fn);
                expected.append('\n').append(PythonJson.dumps(tool));
            }
            expected.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
                    + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
                    + "</tool_call><|im_end|>\n<|im_start|>user\n").append(tm.at("/0/1/content").asText())
                    .append("<|im_end|>\n<|im_start|>assistant\n");
            assertTrue(prompts.contains(expected.toString()), id + " opening prompt");
        }
    }
}
