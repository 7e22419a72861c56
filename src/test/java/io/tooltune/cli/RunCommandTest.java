package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.agent.AgentRun;
import io.tooltune.backend.LocalToolLlamaBackend;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import io.tooltune.eval.AnswerConverter;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.constrain.SchemaCheck;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.inference.ModelBatchDecoder;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.VirtualApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The StableToolBench example queries end to end through {@code tooltune run} with a scripted OpenAI-compatible
 * endpoint that replays the assistant turns recorded in the example CoT answers (ChatGPT runs), against the
 * embedded virtual API server.
 */
class RunCommandTest {
    static final String[] IDS = {"588", "608", "1073"};

    /**
     * The recorded assistant messages: from the final train_messages list when the run has one (a reply may be a
     * Thought alone), else from the chain's Action / Action Input pairs.
     */
    private static List<ObjectNode> turns(JsonNode answer) {
        List<JsonNode> recorded = new ArrayList<>();
        JsonNode tm = answer.at("/answer_generation/train_messages");
        if (!tm.isEmpty()) {
            for (JsonNode m : tm.get(tm.size() - 1)) if (m.get("role").asText().equals("assistant")) recorded.add(m);
        } else {
            JsonNode chain = answer.at("/trys/0/chain");
            for (int i = 0; i < chain.size(); i++) {
                if (!chain.get(i).get("node_type").asText().equals("Action")) continue;
                ObjectNode m = Json.MAPPER.createObjectNode();
                m.putObject("function_call").put("name", chain.get(i).get("description").asText())
                        .put("arguments", chain.get(i + 1).get("description").asText());
                recorded.add(m);
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : recorded) {
            ObjectNode m = Json.MAPPER.createObjectNode().put("role", "assistant");
            if (r.hasNonNull("content")) m.put("content", r.get("content").asText());
            if (r.has("function_call")) {
                m.putArray("tool_calls").addObject().put("id", "call_x").put("type", "function")
                        .set("function", r.get("function_call").deepCopy());
            }
            out.add(m);
        }
        return out;
    }

    /** Runs the CLI, expecting exit code 0, and returns what it printed on stdout. */
    static String runCli(String[] args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(oldOut);
        }
        return stdout.toString(StandardCharsets.UTF_8);
    }

    /** Tool JSONs carrying the descriptions the recorded system prompts show (the tool folder is external data). */
    static void writeTools(Path tools, Map<String, JsonNode> answers) throws Exception {
        for (String id : new String[]{"608", "1073"}) {
            String sys = answers.get(id).at("/answer_generation/train_messages/0/0/content").asText();
            String line = sys.substring(sys.lastIndexOf("\n1.") + 3).strip();
            String tool = line.substring(0, line.indexOf(": "));
            Path f = tools.resolve("Data/" + tool + ".json");
            Files.createDirectories(f.getParent());
            ObjectNode tj = Json.MAPPER.createObjectNode().put("tool_name", tool).put("tool_description", line.substring(line.indexOf(": ") + 2));
            tj.putArray("api_list");
            Json.MAPPER.writeValue(f.toFile(), tj);
        }
    }

    /**
     * The query's CoT raw answer file under {@code out}, after checking that it reads, that ToolEval's conversion
     * accepts it, and that it lists the recorded functions.
     */
    static JsonNode acceptedCotAnswer(Path out, String id, Map<String, JsonNode> recorded) throws Exception {
        Path f = out.resolve(id + "_CoT@1.json");
        JsonNode mine = Json.MAPPER.readTree(f.toFile());
        DataFiles.readRawAnswer(f);
        JsonNode converted = new AnswerConverter(42).convert(mine, "CoT@1", id);
        assertEquals(recorded.get(id).at("/answer_generation/function"), mine.at("/answer_generation/function"), id);
        assertEquals(mine.at("/answer_generation/function"), converted.get("available_tools"), id);
        return mine;
    }

    static Map<String, JsonNode> recordedAnswers(Path stb) throws Exception {
        Map<String, JsonNode> answers = new HashMap<>();
        for (String id : IDS) {
            answers.put(id, Json.MAPPER.readTree(stb.resolve("data_example/answer/virtual_chatgpt_cot/G1_instruction/" + id + "_CoT@1.json").toFile()));
        }
        return answers;
    }

    /**
     * The example queries through {@code run --model} with a tiny random fixture model: its replies are garbage,
     * yet the run completes, each unparsable reply is an error step (ToolBench's hallucinated-function
     * observation), and the files pass the ToolEval conversion with the recorded function lists. The prompts the
     * model saw, rendered as ToolLLaMA's inference prompt, start with the recorded system and user messages.
     */
    @Test
    void exampleQueriesRunWithATinyFixtureModel(@TempDir Path dir) throws Exception {
        Path stb = Shared.path("data/stabletoolbench");
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Map<String, JsonNode> answers = recordedAnswers(stb);
        writeTools(dir.resolve("tools"), answers);
        Path queries = stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json");
        Path out = dir.resolve("out");
        String[] args = {"run", "--queries", queries.toString(), "--model", model.toString(), "--method", "cot",
                "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(), "--tools", dir.resolve("tools").toString(),
                "--output", out.toString(), "--max-new-tokens", "8"};
        String summary = runCli(args);
        assertTrue(summary.contains("3 queries (0 already done): 0 answered, 0 gave up, 3 without answer, 0 errors"), summary);
        for (String id : IDS) {
            JsonNode mine = acceptedCotAnswer(out, id, answers);
            JsonNode chain = mine.at("/trys/0/chain");
            int errorSteps = 0;
            for (JsonNode n : chain) {
                if (n.get("node_type").asText().equals("Action Input")) {
                    assertEquals(1, n.get("observation_code").asInt(), id + ": " + n);
                    assertTrue(n.get("observation").asText().startsWith("{\"error\": \"No such function name: "), id);
                    errorSteps++;
                }
            }
            // every reply is one error step, until the depth limit (12 nodes) prunes the chain
            assertEquals(mine.at("/answer_generation/query_count").asInt(), errorSteps, id);
            assertTrue(chain.get(chain.size() - 1).get("pruned").asBoolean(), id);
            assertTrue(errorSteps >= 4 && errorSteps <= 10, id);
        }

        // the same model in process, recording the prompts it is given (before the context's left truncation)
        List<String> prompts = Collections.synchronizedList(new ArrayList<>());
        GenerationConfig cfg = GenerationConfig.toolLlama().withMaxNewTokens(4);
        LoadedModel loaded = ModelFolder.load(model);
        ModelBatchDecoder real = new ModelBatchDecoder(loaded);
        List<Query> qs = AgentRun.readQueries(queries, System.err);
        ApiCatalog catalog = VirtualApis.catalog(dir.resolve("tools"), qs);
        try (LocalToolLlamaBackend b = new LocalToolLlamaBackend(new InferenceWorker((batch, cancelled) -> {
            prompts.addAll(batch.stream().map(InferenceRequest::prompt).toList());
            return real.decode(batch, cancelled);
        }, 8, 20, loaded), cfg)) {
            AgentRun.Summary s = AgentRun.run(qs, dir.resolve("out2"), b,
                    r -> "{\"error\": \"\", \"response\": \"\"}", catalog::toolDescription,
                    AgentRun.Options.defaults(AgentRun.Method.COT), System.err);
            assertEquals(0, s.errors());
            assertTrue(b.stats().sequences() > b.stats().batches(), "concurrent queries share batches");
        }
        for (String id : IDS) {
            JsonNode tm = answers.get(id).at("/answer_generation/train_messages");
            if (tm.isEmpty()) continue;
            List<ObjectNode> opening = List.of((ObjectNode) tm.at("/0/0"), (ObjectNode) tm.at("/0/1"));
            String expected = LocalToolLlamaBackend.prompt(opening, (ArrayNode)
                    answers.get(id).at("/answer_generation/function"));
            assertTrue(prompts.contains(expected), id + " system prompt");
        }
    }

    /**
     * The run's answers through {@code eval --metric sopr} over the solvable set's query ids: each round's SoPR is
     * StableToolBench's (Solved 1, Unsure 0.5, Unsolved 0) over the three queries, and the table reports their mean.
     */
    private static void assertSoprOfTheRun(Path stb, Path answers, Path out) throws Exception {
        runCli(new String[]{"eval", "--answers", answers.toString(), "--metric", "sopr", "--evaluate-times", "3",
                "--test-ids", stb.resolve("solvable_queries_example/test_query_ids").toString(), "--output", out.toString()});
        JsonNode pr = Json.MAPPER.readTree(out.resolve("pass_rate/run/G1_instruction_run.json").toFile());
        assertEquals(IDS.length, pr.size());
        double sum = 0;
        for (int round = 0; round < 3; round++) {
            double s = 0;
            for (String id : IDS) {
                String v = pr.get(id).get("is_solved").get(String.valueOf(round)).asText();
                s += v.equals("AnswerStatus.Solved") ? 1 : v.equals("AnswerStatus.Unsure") ? 0.5 : 0;
            }
            sum += s / IDS.length;
        }
        String table = Files.readString(out.resolve("table2.csv"));
        assertTrue(sum > 0 && sum < 3, "the two answered queries score, the unanswered one does not: " + pr);
        assertTrue(table.contains(String.format(Locale.ROOT, "run,SoPR,%.1f±", sum / 3 * 100)), table);
    }

    /**
     * The same queries with {@code --constrain}: the random model's replies are garbage text, yet every Action is an
     * offered function and every Action Input parses and is valid for that function's parameters, so no step is a
     * hallucinated-function or unparsable-input error. The token limit leaves room for the shortest valid reply only
     * because decoding closes the call as the limit nears.
     */
    @Test
    void constrainedRunHasNoInvalidActionInputs(@TempDir Path dir) throws Exception {
        Path stb = Shared.path("data/stabletoolbench");
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        writeTools(dir.resolve("tools"), recordedAnswers(stb));
        Path out = dir.resolve("out");
        String[] args = {"run", "--queries", stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json").toString(),
                "--model", model.toString(), "--method", "cot", "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(),
                "--tools", dir.resolve("tools").toString(), "--output", out.toString(), "--max-new-tokens", "96",
                "--max-iterations", "3", "--constrain"};
        String summary = runCli(args);
        assertTrue(summary.contains("3 queries (0 already done)") && summary.contains(" 0 errors"), summary);
        int calls = assertValidActions(out);
        assertTrue(calls >= 3, "every query made at least one call: " + calls);
    }

    /**
     * Asserts that every Action of the CoT answers in {@code out} names an offered function and its Action Input is
     * valid for that function's parameters (no hallucinated-function step); returns the number of Actions.
     */
    static int assertValidActions(Path out) throws Exception {
        int calls = 0;
        for (String id : IDS) {
            JsonNode mine = Json.MAPPER.readTree(out.resolve(id + "_CoT@1.json").toFile());
            Map<String, JsonNode> offered = new HashMap<>();
            for (JsonNode f : mine.at("/answer_generation/function")) offered.put(f.get("name").asText(), f.get("parameters"));
            JsonNode chain = mine.at("/trys/0/chain");
            for (int i = 0; i < chain.size(); i++) {
                if (!chain.get(i).get("node_type").asText().equals("Action")) continue;
                String name = chain.get(i).get("description").asText();
                assertTrue(offered.containsKey(name), id + ": not offered: " + name);
                JsonNode input = chain.get(i + 1);
                assertEquals("Action Input", input.get("node_type").asText());
                JsonNode arguments = Json.MAPPER.readTree(input.get("description").asText());
                assertTrue(SchemaCheck.valid(offered.get(name), arguments), id + ": " + name + " " + arguments);
                assertFalse(input.path("observation").asText().contains("No such function name"), id);
                calls++;
            }
        }
        return calls;
    }

    @Test
    void exampleQueriesReplayRecordedChatGptTurns(@TempDir Path dir) throws Exception {
        Path stb = Shared.path("data/stabletoolbench");
        Map<String, JsonNode> answers = recordedAnswers(stb);
        Map<String, List<ObjectNode>> script = new HashMap<>();
        for (JsonNode a : answers.values()) script.put("\n" + a.at("/answer_generation/query").asText() + "\nBegin!\n", turns(a));
        writeTools(dir.resolve("tools"), answers);
        List<JsonNode> requests = new ArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        endpoint.createContext("/v1/chat/completions", ex -> {
            JsonNode body = Json.MAPPER.readTree(ex.getRequestBody());
            ObjectNode msg;
            synchronized (requests) {
                requests.add(body);
            }
            List<ObjectNode> turns = script.get(body.at("/messages/1/content").asText());
            int k = 0;
            for (JsonNode m : body.get("messages")) if (m.get("role").asText().equals("assistant")) k++;
            msg = turns.get(k);
            ObjectNode resp = Json.MAPPER.createObjectNode();
            resp.putArray("choices").addObject().set("message", msg);
            resp.putObject("usage").put("total_tokens", 100);
            byte[] b = Json.MAPPER.writeValueAsBytes(resp);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        endpoint.start();
        try {
            Path out = dir.resolve("run/G1_instruction");
            String[] args = {"run", "--queries", stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json").toString(),
                    "--openai-url", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/v1", "--openai-model", "gpt-4",
                    "--method", "cot", "--api-embedded", "--cache", dir.resolve("cache.sqlite").toString(),
                    "--tools", dir.resolve("tools").toString(), "--output", out.toString(), "--batch-size", "3"};
            String summary = runCli(args);
            assertTrue(summary.contains("3 queries (0 already done): 2 answered, 0 gave up, 1 without answer, 0 errors"), summary);
            for (String id : IDS) {
                JsonNode mine = Json.MAPPER.readTree(out.resolve(id + "_CoT@1.json").toFile());
                DataFiles.readRawAnswer(out.resolve(id + "_CoT@1.json")); // the data package's raw answer reader accepts it
                assertTrue(new AnswerConverter(42).convert(mine, "CoT@1", id).isObject()); // and ToolEval's conversion
                JsonNode ref = answers.get(id);
                assertEquals(ref.at("/answer_generation/function"), mine.at("/answer_generation/function"), id);
                assertEquals(ref.get("win"), mine.get("win"), id);
                assertEquals(ref.at("/answer_generation/final_answer"), mine.at("/answer_generation/final_answer"), id);
                assertEquals(ref.at("/answer_generation/query_count"), mine.at("/answer_generation/query_count"), id);
                JsonNode rc = ref.at("/trys/0/chain"), mc = mine.at("/trys/0/chain");
                assertEquals(rc.size(), mc.size(), id);
                for (int i = 0; i < rc.size(); i++) {
                    for (String f : new String[]{"node_type", "description", "depth", "pruned", "observation_code", "child_count"}) {
                        assertEquals(rc.get(i).get(f), mc.get(i).get(f), id + " node " + i + " " + f);
                    }
                }
                JsonNode refTm = ref.at("/answer_generation/train_messages");
                assertEquals(refTm.size(), mine.at("/answer_generation/train_messages").size(), id);
                if (!refTm.isEmpty()) {
                    assertEquals(refTm.at("/0/0"), mine.at("/answer_generation/train_messages/0/0"), id + " system prompt");
                    assertEquals(refTm.at("/0/1"), mine.at("/answer_generation/train_messages/0/1"), id + " user prompt");
                }
            }
            assertSoprOfTheRun(stb, dir.resolve("run"), dir.resolve("eval"));
            // the endpoint got tools in OpenAI form and no "valid" flags
            assertEquals("function", requests.get(0).at("/tools/0/type").asText());
            // resumable: a second run finds every answer file and calls nothing
            int before = requests.size();
            runCli(args);
            assertEquals(before, requests.size());

            // DFSDT over the same replayed turns: answered queries end as their recorded chains do; the query
            // whose chain was cut at the depth limit backtracks through the tree (diversity prompts filtered out
            // for the endpoint, as ToolBench's ChatGPT backend does) and ends within the call limit
            String[] dfsArgs = args.clone();
            dfsArgs[8] = "dfs";
            dfsArgs[dfsArgs.length - 3] = dir.resolve("out-dfs").toString();
            runCli(dfsArgs);
            for (String id : IDS) {
                JsonNode mine = Json.MAPPER.readTree(dir.resolve("out-dfs/" + id + "_DFS_woFilter_w2.json").toFile());
                DataFiles.readRawAnswer(dir.resolve("out-dfs/" + id + "_DFS_woFilter_w2.json"));
                assertTrue(new AnswerConverter(42).convert(mine, "DFS_woFilter_w2", id).isObject());
                JsonNode ref = answers.get(id);
                assertEquals(ref.at("/answer_generation/function"), mine.at("/answer_generation/function"), id);
                if (ref.get("win").asBoolean()) {
                    assertEquals("give_answer", mine.at("/answer_generation/finish_type").asText(), id);
                    assertEquals(ref.at("/answer_generation/final_answer"), mine.at("/answer_generation/final_answer"), id);
                    assertEquals(ref.at("/answer_generation/train_messages/0/0"), mine.at("/answer_generation/train_messages/0/0"), id);
                } else {
                    assertFalse(mine.at("/answer_generation/valid_data").asBoolean(), id);
                    assertTrue(mine.at("/tree/size").asInt() > ref.at("/trys/0/chain").size() + 1, id);
                    assertTrue(mine.at("/answer_generation/query_count").asInt() <= 200, id);
                }
            }
            for (JsonNode r : requests) {
                for (JsonNode m : r.get("messages")) assertFalse(m.has("valid"));
            }
        } finally {
            endpoint.stop(0);
        }
    }
}
